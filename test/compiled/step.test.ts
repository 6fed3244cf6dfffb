/**
 * The compiled step (docs/performance.md §compiled-step) against the eager path: loss and gradient
 * of valueAndGrad, and several optimizer steps, bit for bit; divergence recovery from a snapshot.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../src/core/tensor.ts";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { key } from "../../src/core/random.ts";
import { type Tree, leaves } from "../../src/core/tree.ts";
import { init, apply, type MlpConfig, type MlpParams } from "../../src/nn/families/mlp.ts";
import { lossFn, type LossName } from "../../src/nn/losses.ts";
import { sgd, adam, adamw, sgld } from "../../src/optim/index.ts";
import type { Optimizer } from "../../src/optim/types.ts";
import { compileMlpGrad, compileStep, mlpLeafNames } from "../../src/compiled/index.ts";
import { InputError } from "../../src/errors.ts";
import {
  assertBitEqual,
  assertDivergesAndRestores,
  assertStepsMatchEager,
  assertTreesBitEqual,
  batch,
  caseName,
  cfgOf,
  eagerSteps,
  type NetCase,
} from "./helpers.ts";

const eagerVg = (cfg: MlpConfig, loss: LossName) =>
  valueAndGrad((p: MlpParams, x: Tensor, t: Tensor) => lossFn(loss)(apply(p, x, cfg), t));

const CASES: NetCase[] = [
  { sizes: [5, 7, 6, 3], act: "relu", bias: true, loss: "xent", rows: 9 },
  { sizes: [5, 7, 6, 3], act: "tanh", bias: true, loss: "mse", rows: 9 },
  { sizes: [5, 7, 6, 3], act: "identity", bias: false, loss: "xent", rows: 4 },
  { sizes: [4, 8, 2], act: "relu", bias: false, loss: "mse", rows: 1 },
  { sizes: [3, 2], act: "tanh", bias: true, loss: "xent", rows: 6 },
  // tanh networks whose two-input first layer, one-output last layer and first weight gradient
  // take the WebAssembly thin products (src/compiled/thinProducts.ts).
  { sizes: [2, 32, 32, 1], act: "tanh", bias: true, loss: "mse", rows: 32 },
  { sizes: [2, 9, 7, 1], act: "tanh", bias: false, loss: "mse", rows: 5 },
  { sizes: [3, 5, 2], act: "tanh", bias: true, loss: "xent", rows: 1 },
  // Large enough for the products to leave the plain kernel (BLAS or WebAssembly when present).
  { sizes: [784, 64, 64, 10], act: "relu", bias: true, loss: "xent", rows: 128 },
  { sizes: [100, 96, 96, 10], act: "tanh", bias: true, loss: "xent", rows: 64 },
];

for (const c of CASES) {
  test(`compiled loss and gradient equal valueAndGrad bit for bit: ${caseName(c)}`, () => {
    const cfg = cfgOf(c.sizes, c.act, c.bias);
    const params = init(key(7), cfg);
    const plan = compileMlpGrad(cfg, c.loss, c.rows);
    const vg = eagerVg(cfg, c.loss);
    for (let trial = 0; trial < 2; trial++) {
      // Two batches through the same plan: its reused buffers carry nothing from one run to the next.
      const { x, t } = batch(100 + trial, c.rows, cfg, c.loss);
      const eager = vg(params, x, t);
      const value = plan.run(
        leaves(params).map((p) => p.data),
        x.data,
        t.data,
      );
      assert.ok(Object.is(value, eager.value.item()), `loss: compiled ${value} vs eager ${eager.value.item()}`);
      leaves(eager.grad).forEach((g, j) => assertBitEqual(plan.grads[j], g.data, `trial ${trial} grad ${j}`));
    }
  });
}

test("mlpLeafNames is the leaf order of the mlp parameter tree", () => {
  const cfg = cfgOf([3, 4, 2], "relu");
  assert.deepEqual(mlpLeafNames(cfg), ["fc0.weight", "fc0.bias", "fc1.weight", "fc1.bias"]);
  assert.deepEqual(mlpLeafNames(cfgOf([3, 4, 2], "relu", false)), ["fc0.weight", "fc1.weight"]);
});

/** The eager training step: valueAndGrad, then optimizer.step (a new tree per step). */
const eagerRun = (cfg: MlpConfig, loss: LossName, opt: Optimizer, params: MlpParams) =>
  eagerSteps(eagerVg(cfg, loss), opt, params);

const OPTIMIZERS: [string, () => Optimizer, number][] = [
  ["sgd", () => sgd(), 0.05],
  ["sgd momentum nesterov wd", () => sgd({ momentum: 0.9, nesterov: true, weightDecay: 1e-3 }), 0.02],
  ["sgd momentum dampening", () => sgd({ momentum: 0.8, dampening: 0.3 }), 0.02],
  ["adam wd", () => adam({ weightDecay: 0.01 }), 1e-2],
  ["adamw", () => adamw({ weightDecay: 0.01 }), 1e-2],
];

for (const [name, make, lr] of OPTIMIZERS) {
  test(`compileStep with ${name}: six steps (batch sizes 16, 16, 16, 7, 16, 7) equal the eager step bit for bit`, () => {
    const cfg = cfgOf([6, 10, 8, 4], "tanh");
    const params = init(key(3), cfg);
    const before = leaves(params).map((t) => t.data.slice());
    const eager = eagerRun(cfg, "xent", make(), params);
    const compiled = compileStep({ model: cfg, loss: "xent", optimizer: make(), params });
    const batches = [16, 16, 16, 7, 16, 7].map((rows, i) => batch(200 + i, rows, cfg, "xent"));
    assertStepsMatchEager(compiled, eager, batches, lr);
    // The caller's parameters are never written.
    leaves(params).forEach((t, j) => assertBitEqual(t.data, before[j], "initial params"));
  });
}

test("compileStep on the medium MLP with mse and relu: three steps equal the eager path", () => {
  const cfg = cfgOf([784, 64, 64, 10], "relu");
  const params = init(key(5), cfg);
  const eager = eagerRun(cfg, "mse", sgd({ momentum: 0.9 }), params);
  const compiled = compileStep({ model: cfg, loss: "mse", optimizer: sgd({ momentum: 0.9 }), params });
  let before: Tree = params;
  for (let i = 0; i < 3; i++) {
    const { x, t } = batch(300 + i, 128, cfg, "mse");
    before = eager.params;
    assert.ok(Object.is(compiled.step(x, t, 0.01), eager.step(x, t, 0.01)));
  }
  assertTreesBitEqual(compiled.params(), eager.params, "params after 3 steps");
  const { x, t } = batch(302, 128, cfg, "mse");
  assertTreesBitEqual(compiled.grads(), eagerVg(cfg, "mse")(before as MlpParams, x, t).grad, "gradient of step 3");
});

test("a diverging compiled run skips the non-finite step and restores the last snapshot", () => {
  const cfg = cfgOf([3, 5, 2], "identity");
  const params = init(key(11), cfg);
  const compiled = compileStep({ model: cfg, loss: "mse", optimizer: sgd(), params, snapshotEvery: 2 });
  const eager = eagerRun(cfg, "mse", sgd(), params);
  const { x, t } = batch(400, 8, cfg, "mse");
  // A learning rate this large makes the linear least-squares iteration blow up within a few steps.
  assertDivergesAndRestores(compiled, eager, x, t, 50);
});

test("compile refuses what it has no compiled form for, naming it", () => {
  const params = init(key(1), cfgOf([3, 4, 2], "gelu"));
  assert.throws(
    () => compileStep({ model: cfgOf([3, 4, 2], "gelu"), loss: "xent", optimizer: sgd(), params }),
    (e: unknown) => e instanceof InputError && /activation "gelu"/.test(e.message),
  );
  const ok = cfgOf([3, 4, 2], "relu");
  assert.throws(
    () => compileStep({ model: ok, loss: "xent", optimizer: sgld({ beta: 1e4 }), params: init(key(1), ok) }),
    (e: unknown) => e instanceof InputError && /optimizer "sgld" has no in-place update/.test(e.message),
  );
  assert.throws(
    () => compileStep({ model: ok, loss: "xent", optimizer: sgd(), params: init(key(1), cfgOf([3, 5, 2], "relu")) }),
    (e: unknown) => e instanceof InputError && /fc0.weight must have shape \[4,3\]/.test(e.message),
  );
});
