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
import { entropySgdInner } from "../../src/optim/entropySgd.ts";
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
