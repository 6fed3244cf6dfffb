/**
 * The compiled transformer step (docs/performance.md §compiled-transformer) against the eager
 * path: several steps of SGD, Adam and AdamW bit for bit, batch shapes changing between steps;
 * divergence recovery from a snapshot; `compiledValueAndGrad` and the training loop with
 * `compile: true` on a transformer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { leaves } from "../../src/core/tree.ts";
import type { TransformerConfig, TransformerParams } from "../../src/nn/families/transformer.ts";
import type { LossName } from "../../src/nn/losses.ts";
import { adam, adamw, sgd } from "../../src/optim/index.ts";
import type { Optimizer } from "../../src/optim/types.ts";
import { compiledValueAndGrad, compileTransformerStep } from "../../src/compiled/index.ts";
import { InputError } from "../../src/errors.ts";
import { tinyConfig } from "../train/helpers.ts";
import {
  assertBitEqual,
  assertCompiledLoopMatchesEager,
  assertDivergesAndRestores,
  assertStepsMatchEager,
  assertTreesBitEqual,
  eagerSteps,
} from "./helpers.ts";
import { eagerTrVg, trBatch, trCfg, trParams, trStepBatches } from "./transformerHelpers.ts";

const eagerRun = (cfg: TransformerConfig, loss: LossName, opt: Optimizer, params: TransformerParams) =>
  eagerSteps(eagerTrVg(cfg, loss), opt, params);

const OPTIMIZERS: [string, () => Optimizer, number][] = [
  ["sgd momentum nesterov wd", () => sgd({ momentum: 0.9, nesterov: true, weightDecay: 1e-3 }), 0.05],
  ["adam wd", () => adam({ weightDecay: 0.01 }), 1e-2],
  ["adamw", () => adamw({ weightDecay: 0.01 }), 1e-2],
];

for (const [name, make, lr] of OPTIMIZERS) {
  test(`compileTransformerStep with ${name}: five steps ([N, T] = 6×4, 6×4, 1×4, 6×2, 6×4) equal the eager step bit for bit`, () => {
    const cfg = trCfg({ layers: 2 });
    const params = trParams(cfg);
    const before = leaves(params).map((t) => t.data.slice());
    const eager = eagerRun(cfg, "xent", make(), params);
    const compiled = compileTransformerStep({ model: cfg, loss: "xent", optimizer: make(), params });
    const shapes = [
      [6, 4],
      [6, 4],
      [1, 4],
      [6, 2],
      [6, 4],
    ];
    assertStepsMatchEager(compiled, eager, trStepBatches(cfg, "xent", 200, shapes), lr);
    leaves(params).forEach((t, j) => assertBitEqual(t.data, before[j], "the caller's params are never written"));
  });
}

test("with plain SGD the compiled transformer step updates the leaf arrays directly, bit for bit with the eager step", () => {
  const cfg = trCfg({ layers: 2 });
  const params = trParams(cfg);
  const calls = { leaves: 0, tree: 0 };
  const base = sgd({ weightDecay: 1e-3 }) as Optimizer;
  const spy: Optimizer = {
    ...base,
    stepInPlace: (p, g, s, ctx) => (calls.tree++, base.stepInPlace!(p, g, s, ctx)),
    stepLeavesInPlace: (p, g, s, ctx) => (calls.leaves++, base.stepLeavesInPlace!(p, g, s, ctx)),
  };
  const eager = eagerRun(cfg, "xent", sgd({ weightDecay: 1e-3 }), params);
  const compiled = compileTransformerStep({ model: cfg, loss: "xent", optimizer: spy, params, snapshotEvery: 2 });
  const shapes = [
    [6, 4],
    [1, 4],
    [6, 2],
  ];
  assertStepsMatchEager(compiled, eager, trStepBatches(cfg, "xent", 300, shapes), 0.1);
  assert.deepEqual(calls, { leaves: 3, tree: 0 });
});

test("a diverging compiled transformer run skips the non-finite step and restores the last snapshot", () => {
  const cfg = trCfg({ norm: "none", activation: "identity" });
  const params = trParams(cfg);
  const compiled = compileTransformerStep({ model: cfg, loss: "mse", optimizer: sgd(), params, snapshotEvery: 2 });
  const eager = eagerRun(cfg, "mse", sgd(), params);
  const { tok, t } = trBatch(400, cfg, "mse", 4, 3);
  // Without norms, plain SGD at this learning rate blows up within a few steps.
  assertDivergesAndRestores(compiled, eager, tok, t, 5);
});

test("compiledValueAndGrad on a transformer returns valueAndGrad's value and a fresh gradient tree, bit for bit", () => {
  const cfg = trCfg({ readout: "all" });
  const params = trParams(cfg);
  const vg = compiledValueAndGrad(cfg, "xent");
  for (const [N, T] of [
    [3, 4],
    [2, 3],
    [3, 4],
  ]) {
    const { tok, t } = trBatch(500 + N * T, cfg, "xent", N, T);
    const a = vg(params, tok, t),
      b = eagerTrVg(cfg, "xent")(params, tok, t);
    assert.ok(Object.is(a.value.item(), b.value.item()));
    assertTreesBitEqual(a.grad, b.grad, `gradient ${N}×${T}`);
  }
  assert.throws(
    () => compileTransformerStep({ model: trCfg({ activation: "gelu" }), loss: "xent", optimizer: sgd(), params }),
    (e: unknown) => e instanceof InputError && /activation "gelu"/.test(e.message),
  );
  assert.throws(
    () => compileTransformerStep({ model: trCfg({ d: 12 }), loss: "xent", optimizer: sgd(), params }),
    (e: unknown) => e instanceof InputError && /embed.weight must have shape \[11,12\]/.test(e.message),
  );
});

test("compile: true trains a transformer on the modular task exactly as the eager loop", async () => {
  const over = {
    model: { arch: "transformer" as const, vocab: 8, seq: 3, d: 8, heads: 2, dHead: 4, layers: 1, mlp: 16 },
    data: { name: "modular" as const, p: 7 },
    optimizer: { name: "adamw" as const, lr: 0.01 },
    steps: 8,
    batchSize: 6,
    evalEvery: 4,
  };
  await assertCompiledLoopMatchesEager(tinyConfig(over), 8);
});
