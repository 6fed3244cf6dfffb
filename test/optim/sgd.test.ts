/** SGD against steps computed by hand from torch.optim.SGD's update rule, and torch's own numbers. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { sgd } from "../../src/optim/sgd.ts";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { xent } from "../../src/nn/losses.ts";
import * as mlp from "../../src/nn/families/mlp.ts";
import * as W from "../../bench/workloads.ts";
import { type Tree, leaves } from "../../src/core/tree.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { assertAllClose, assertClose } from "../core/helpers.ts";
import { run, values, vec } from "./helpers.ts";

const theta0 = [1, -2];
const g1 = [0.5, 1];
const g2 = [-1, 0.25];

test("plain SGD: θ ← θ − lr·g", () => {
  const [s1, s2] = run(sgd(), theta0, [g1, g2]);
  assertAllClose(s1, [0.95, -2.1], 1e-15, "step 1");
  assertAllClose(s2, [1.05, -2.125], 1e-15, "step 2");
});

test("weight decay adds λθ to the gradient", () => {
  const [s1] = run(sgd({ weightDecay: 0.1 }), theta0, [g1]);
  assertAllClose(s1, [1 - 0.1 * 0.6, -2 - 0.1 * 0.8], 1e-15, "step 1"); // d = g + 0.1θ = [0.6, 0.8]
});

test("momentum: the buffer starts as the first gradient, then b ← μb + g", () => {
  const [s1, s2] = run(sgd({ momentum: 0.9 }), theta0, [g1, g2]);
  assertAllClose(s1, [0.95, -2.1], 1e-15, "step 1 (b = g1)");
  // b2 = 0.9·[0.5, 1] + [−1, 0.25] = [−0.55, 1.15]
  assertAllClose(s2, [0.95 + 0.055, -2.1 - 0.115], 1e-15, "step 2");
});

test("dampening scales the new gradient by 1 − τ (not on the first step)", () => {
  const [s1, s2] = run(sgd({ momentum: 0.9, dampening: 0.5 }), theta0, [g1, g2]);
  assertAllClose(s1, [0.95, -2.1], 1e-15, "step 1");
  // b2 = 0.9·[0.5, 1] + 0.5·[−1, 0.25] = [−0.05, 1.025]
  assertAllClose(s2, [0.95 + 0.005, -2.1 - 0.1025], 1e-15, "step 2");
});

test("Nesterov: the step is g + μb", () => {
  const [s1, s2] = run(sgd({ momentum: 0.9, nesterov: true }), theta0, [g1, g2]);
  assertAllClose(s1, [1 - 0.095, -2 - 0.19], 1e-15, "step 1 (d = 1.9 g1)");
  // b2 = [−0.55, 1.15]; d = g2 + 0.9 b2 = [−1.495, 1.285]
  assertAllClose(s2, [0.905 + 0.1495, -2.19 - 0.1285], 1e-15, "step 2");
});

test("Nesterov without momentum is refused, as in torch", () => {
  assert.throws(() => sgd({ nesterov: true }), /Nesterov/);
  assert.throws(() => sgd({ nesterov: true, momentum: 0.9, dampening: 0.1 }), /Nesterov/);
});

test("the inputs are never written and the state counts steps", () => {
  const p = vec(1, 2);
  const opt = sgd({ momentum: 0.5 });
  const s0 = opt.init(p);
  const r = opt.step(p, vec(1, 1), s0, { lr: 0.1 });
  assert.deepEqual(values(p), [1, 2]);
  assert.equal(s0.step, 0);
  assert.equal(r.state.step, 1);
});

test("torch cross-check: mlp-small-step (784-64-64-10, lr 0.01) loss after two steps", () => {
  const cfg = W.mlpCfg(64, "relu");
  const { X, y } = W.mnistBatch();
  const vg = valueAndGrad((p: Tree) => xent(mlp.apply(p as mlp.MlpParams, X, cfg), y));
  const opt = sgd();
  let p: Tree = W.mlpParams(64);
  let s = opt.init(p);
  for (let i = 0; i < 2; i++) ({ params: p, state: s } = opt.step(p, vg(p).grad, s, { lr: 0.01 }));
  assertClose(vg(p).value.item(), 2.2869533695839968, 1e-9, "L3");
});

test("stepLeavesInPlace (plain SGD, with and without weight decay) writes step's numbers over the leaves", () => {
  const rng = new FastNormal(11);
  for (const wd of [0, 0.03]) {
    const opt = sgd({ weightDecay: wd });
    // One leaf long enough for the native update (where the addon is built), one short.
    const th = [rng.fill(new Float64Array(1000)), rng.fill(new Float64Array(7))];
    const g = [rng.fill(new Float64Array(1000)), rng.fill(new Float64Array(7))];
    const tree = { a: new Tensor(th[0].slice(), [1000]), b: new Tensor(th[1].slice(), [7]) };
    const grads = { a: new Tensor(g[0], [1000]), b: new Tensor(g[1], [7]) };
    const want = opt.step(tree, grads, opt.init(tree), { lr: 0.07 });
    const state = opt.stepLeavesInPlace!(th, g, { step: 4 }, { lr: 0.07 });
    assert.deepEqual(state, { step: 5 });
    const [wa, wb] = leaves(want.params);
    assert.ok(wa.data.every((v, i) => Object.is(v, th[0][i])) && wb.data.every((v, i) => Object.is(v, th[1][i])));
    assert.throws(() => opt.stepLeavesInPlace!(th, [g[0]], state, { lr: 0.1 }), /differ in number/);
    assert.throws(
      () => opt.stepLeavesInPlace!(th, [g[0], g[0]], state, { lr: 0.1 }),
      /leaf 1 of the gradient differs in size/,
    );
  }
  // With momentum the state holds arrays: no leaf form, the compiled step walks the trees instead.
  assert.equal(sgd({ momentum: 0.9 }).stepLeavesInPlace, undefined);
});
