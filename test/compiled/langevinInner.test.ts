/**
 * The compiled Langevin inner loop (docs/performance.md §compiled-step): Entropy-SGD's inner
 * iterates y_L and μ_L over preallocated buffers equal the eager `entropySgdInner`'s bit for bit —
 * with noise, over many steps, for several keys and couplings, with the compiled or the eager
 * gradient, on trees of several leaves, and again when the buffers are reused.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { grad } from "../../src/core/autodiff.ts";
import { foldIn, key } from "../../src/core/random.ts";
import type { Tree } from "../../src/core/tree.ts";
import * as mlp from "../../src/nn/families/mlp.ts";
import { mse } from "../../src/nn/losses.ts";
import { entropySgd, entropySgdInner } from "../../src/optim/entropySgd.ts";
import { compileGradAt, compileLangevinInner } from "../../src/compiled/index.ts";
import * as W from "../../bench/workloads.ts";
import { assertTreesBitEqual, batch, cfgOf } from "./helpers.ts";

const { eta, gamma, alpha } = W.sgldConst;

test("sgld-inner workload: 200 noisy steps give the eager loop's y and μ bit for bit, keys and couplings varied", () => {
  const { Xs, Ts, loss } = W.sgldData();
  const x = W.tinyParams();
  const eager = (p: Tree): Tree => grad(loss)(p as mlp.MlpParams);
  const compiled = compileGradAt(W.tinyCfg, "mse", Xs, Ts);
  const o = { innerLr: eta, innerSteps: 200, gammaScoping: 0, alpha, beta: 1e3 };
  const inner = compileLangevinInner(x, o);
  for (const [seed, coupling] of [
    [1, 1 / gamma],
    [2, 0.5],
    [3, 0],
  ]) {
    const k = foldIn(key(7), seed);
    const a = entropySgdInner(x, eager(x), eager, k, { ...o, gamma: coupling }, coupling);
    // The same buffers serve every call: the loop is run twice, the second result compared.
    inner(x, compiled(x), compiled, foldIn(k, 1), coupling);
    const b = inner(x, compiled(x), compiled, k, coupling);
    assertTreesBitEqual(b.y, a.y, `y_L, key ${seed}, γ ${coupling}`);
    assertTreesBitEqual(b.mu, a.mu, `μ_L, key ${seed}, γ ${coupling}`);
  }
  // The noise matters: another key moves the iterate.
  const c = inner(x, compiled(x), compiled, key(99), 1 / gamma);
  const d = entropySgdInner(x, eager(x), eager, key(100), { ...o, gamma: 1 / gamma }, 1 / gamma);
  assert.notDeepEqual([...(c.y as mlp.MlpParams).fc1.weight.data], [...(d.y as mlp.MlpParams).fc1.weight.data]);
});

test("a network with biases, fresh batches per gradient and no noise (β = ∞, no key) matches the eager loop", () => {
  const cfg = cfgOf([3, 8, 4], "relu", true);
  const x = mlp.init(key(11), cfg);
  let calls = 0;
  // A gradient on a new batch at every call, as the training loop's mini-batches are.
  const gradAtFresh = () => {
    let n = 0;
    return (p: Tree): Tree => {
      const { x: xb, t } = batch(100 + n++, 6, cfg, "mse");
      calls++;
      return grad((q: mlp.MlpParams) => mse(mlp.apply(q, xb, cfg), t))(p as mlp.MlpParams);
    };
  };
  for (const beta of [Infinity, 50]) {
    const o = { innerLr: 0.05, innerSteps: 30, gammaScoping: 0, alpha: 0.6, beta };
    const k = beta === Infinity ? undefined : key(3);
    const g0 = gradAtFresh()(x);
    const a = entropySgdInner(x, g0, gradAtFresh(), k, { ...o, gamma: 2 }, 2);
    const b = compileLangevinInner(x, o)(x, g0, gradAtFresh(), k, 2);
    assertTreesBitEqual(b.y, a.y, `y_L, β ${beta}`);
    assertTreesBitEqual(b.mu, a.mu, `μ_L, β ${beta}`);
  }
  assert.ok(calls > 0);
});

test("a parameter tree of another structure is refused", () => {
  const inner = compileLangevinInner(W.tinyParams(), { innerLr: 0.1, innerSteps: 2, alpha: 0.75, beta: Infinity });
  const other = mlp.init(key(1), cfgOf([2, 4, 1], "tanh", false));
  assert.throws(() => inner(other, other, (p) => p, undefined, 1), /differs in structure/);
});

test("Entropy-SGD steps with ctx.compiled equal the eager steps (scoping, noise, a second parameter structure)", () => {
  const { loss } = W.sgldData();
  const g = (p: Tree): Tree => grad(loss)(p as mlp.MlpParams);
  const opts = { innerLr: 0.02, innerSteps: 8, gamma: 0.5, gammaScoping: 0.1, alpha: 0.7, beta: 5e3 };
  const eagerOpt = entropySgd(opts),
    compiledOpt = entropySgd(opts);
  let a: Tree = W.tinyParams(),
    b: Tree = W.tinyParams();
  let sa = eagerOpt.init(a),
    sb = compiledOpt.init(b);
  for (let t = 0; t < 5; t++) {
    const k = foldIn(key(8), t);
    ({ params: a, state: sa } = eagerOpt.step(a, g(a), sa, { lr: 0.1, key: k, gradAt: g }));
    ({ params: b, state: sb } = compiledOpt.step(b, g(b), sb, { lr: 0.1, key: k, gradAt: g, compiled: true }));
    assertTreesBitEqual(b, a, `params after step ${t + 1}`);
  }
  // Another structure: the optimizer builds a loop for it.
  const cfg = cfgOf([2, 5, 1], "tanh", true);
  const { x: xb, t: tb } = batch(4, 7, cfg, "mse");
  const h = (p: Tree): Tree => grad((q: mlp.MlpParams) => mse(mlp.apply(q, xb, cfg), tb))(p as mlp.MlpParams);
  const p0 = mlp.init(key(2), cfg);
  const s0 = { step: 0 };
  const ctx = { lr: 0.1, key: key(9), gradAt: h };
  assertTreesBitEqual(
    compiledOpt.step(p0, h(p0), s0, { ...ctx, compiled: true }).params,
    eagerOpt.step(p0, h(p0), s0, ctx).params,
    "params, second structure",
  );
});
