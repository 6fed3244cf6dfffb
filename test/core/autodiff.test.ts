import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor, ones, tensor, type OpDef } from "../../src/core/tensor.ts";
import { record } from "../../src/core/tape.ts";
import * as F from "../../src/core/ops/index.ts";
import { grad, valueAndGrad, vjp, jvp, hvp, perSampleGrads } from "../../src/core/autodiff.ts";
import { denseHessian, checkHvp } from "../../src/core/gradcheck.ts";
import { key, split } from "../../src/core/random.ts";
import { leaves, treeDot } from "../../src/core/tree.ts";
import { modelOf, parseModelConfig, mse, xent } from "../../src/nn/index.ts";
import { randn, assertAllClose, assertClose } from "./helpers.ts";
import { tinyTransformer } from "../symmetry/helpers.ts";

test("nested grad: d²/dx² x³ = 6x and d³/dx³ = 6 (grad of grad of grad)", () => {
  const f = (p: { x: Tensor }) => F.sum(F.mul(F.mul(p.x, p.x), p.x));
  const d1 = (p: { x: Tensor }) => F.sum(grad(f)(p).x);
  const d2 = (p: { x: Tensor }) => F.sum(grad(d1)(p).x);
  const x = tensor([1.5, -2]);
  assert.deepEqual(grad(f)({ x }).x.toArray(), [6.75, 12]);
  assert.deepEqual(grad(d1)({ x }).x.toArray(), [9, -12]);
  assert.deepEqual(grad(d2)({ x }).x.toArray(), [6, 6]);
});

test("no perturbation confusion: d/dx [x · d/dy (x + y)] = 1", () => {
  const outer = (p: { x: Tensor }) => {
    const inner = grad((q: { y: Tensor }) => F.sum(F.add(p.x, q.y)))({ y: tensor([3]) }).y;
    return F.sum(F.mul(p.x, inner));
  };
  assert.deepEqual(grad(outer)({ x: tensor([2]) }).x.toArray(), [1]);
});

test("a VJP rule that differentiates inside the reverse pass leaves the outer pass's cotangents intact", () => {
  // halfSquare(x) = x²/2 with the VJP g·x, where x is obtained as ∇_y Σ y·x at y = 1: a reverse
  // pass inside the outer one, which also accumulates into x — a tensor of the outer graph that
  // holds the outer pass's cotangent from the 3x branch.
  const halfSquareOp: OpDef = {
    name: "halfSquare",
    vjp: (Fo, g, [x]) => [Fo.mul(g, grad((q: { y: Tensor }) => Fo.sum(Fo.mul(q.y, x)))({ y: ones(x.shape) }).y)],
  };
  const halfSquare = (x: Tensor) =>
    record(
      new Tensor(
        x.data.map((v) => (v * v) / 2),
        x.shape,
      ),
      halfSquareOp,
      [x],
    );
  for (const branchFirst of [true, false]) {
    const f = (p: { p: Tensor }) => {
      const x = F.mul(p.p, 2);
      const three = F.mul(x, 3);
      const hs = halfSquare(x);
      return F.sum(branchFirst ? F.add(three, hs) : F.add(hs, three));
    };
    // L = Σ (3x + x²/2), x = 2p: dL/dp = 2(3 + x) = 6 + 4p.
    const p = tensor([0.5, -1.25, 2]);
    assertAllClose(grad(f)({ p }).p.data, [8, 1, 14], 1e-15, `branch first: ${branchFirst}`);
  }
});

test("a top-level reverse pass empties every cotangent slot it used; a nested one restores the outer pass's", () => {
  // The graph that `value` keeps must not hold the pass's cotangents, and a second pass over the
  // same kind of graph, plain or nested inside hvp, must give the same bits.
  const f = (p: { w: Tensor; v: Tensor }) =>
    F.sum(F.tanh(F.matmul(F.tanh(F.matmul(tensor([0.3, -0.7], [1, 2]), p.w, { transB: true })), p.v)));
  const params = { w: tensor([0.5, -0.25, 1.5, 0.75, -1, 0.125], [3, 2]), v: tensor([0.2, -0.4, 0.9], [3, 1]) };
  const first = valueAndGrad(f)(params);
  const seen = new Set<Tensor>();
  const stack: Tensor[] = [first.value];
  while (stack.length) {
    const t = stack.pop() as Tensor;
    if (seen.has(t)) continue;
    seen.add(t);
    assert.equal(t._ct, null, "a cotangent left on the graph");
    if (t.node) stack.push(...t.node.inputs);
  }
  assert.ok(seen.size >= 8, `${seen.size} tensors walked`);
  const again = valueAndGrad(f)(params);
  const { grad: inHvp } = hvp(f)(params, params);
  for (const [a, b] of [
    [first.grad.w, again.grad.w],
    [first.grad.v, again.grad.v],
    [first.grad.w, inHvp.w],
    [first.grad.v, inHvp.v],
  ]) {
    assert.ok(
      a.toArray().every((x, i) => Object.is(x, b.data[i])),
      `${a.toArray()} ≠ ${b.toArray()}`,
    );
  }
});

test("a leaf the output does not depend on gets a zero gradient", () => {
  const g = grad((p: { a: Tensor; b: Tensor }) => F.sum(F.exp(p.a)))({ a: tensor([0]), b: tensor([1, 2]) });
  assert.deepEqual(g.b.toArray(), [0, 0]);
});

test("HVP equals the dense analytic Hessian of log-sum-exp and is symmetric", () => {
  const x = randn(key(3), [5]);
  const f = (p: { x: Tensor }) => F.logsumexp(p.x);
  const { n, H } = denseHessian(f, { x });
  // ∇² lse = diag(s) − s sᵀ with s = softmax(x).
  const s = F.softmax(x).data;
  const want = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) want[i * n + j] = (i === j ? s[i] : 0) - s[i] * s[j];
  assertAllClose(H, want, 1e-14, "Hessian");
});

test("HVP of every model family against finite differences of the gradient, and dense Hessian symmetry", () => {
  const configs = [
    { arch: "mlp", sizes: [3, 4, 2], activation: "tanh" },
    { arch: "mlp", sizes: [3, 5, 4, 1], activation: "gelu" },
    {
      arch: "cnn",
      input: [2, 5, 5],
      conv: [{ out: 3, kernel: 3, padding: 1, pool: 2 }],
      fc: [4, 3],
      activation: "tanh",
    },
    tinyTransformer({ d: 6, dHead: 3, layers: 2, mlp: 8, norm: "layernorm", activation: "gelu" }),
    tinyTransformer({ seq: 3, mlp: 6, norm: "none", activation: "tanh", readout: "all" }),
    { arch: "meanfield", input: 3, width: 7, activation: "tanh" },
  ];
  configs.forEach((raw, ci) => {
    const cfg = parseModelConfig(raw);
    const model = modelOf(cfg);
    const [kp, kx, ky, kc] = split(key(100 + ci), 4);
    const params = model.init(kp);
    let x: Tensor;
    let loss: (out: Tensor) => Tensor;
    if (cfg.arch === "transformer") {
      x = new Tensor(
        Float64Array.from({ length: 3 * cfg.seq }, (_, i) => (i * 7 + ci) % cfg.vocab),
        [3, cfg.seq],
      );
      const labels = tensor(
        cfg.readout === "all" ? Array.from({ length: 3 * cfg.seq }, (_, i) => (i * 3) % cfg.vocab) : [1, 4, 0],
        cfg.readout === "all" ? [3, cfg.seq] : [3],
      );
      loss = (out) => xent(out, labels);
    } else {
      x = randn(kx, cfg.arch === "cnn" ? [3, ...cfg.input] : [4, cfg.arch === "mlp" ? cfg.sizes[0] : cfg.input]);
      const outShape = model.apply(params, x).shape;
      const target = randn(ky, [...outShape]);
      loss = (out) => mse(out, target);
    }
    const f = (p: typeof params) => loss(model.apply(p, x));
    const r = checkHvp(f, params, kc, { trials: 2 });
    assert.ok(r.maxRelError < 1e-6, `${cfg.arch} #${ci}: HVP vs FD error ${r.maxRelError}`);
    if (ci === 0 || ci === 5) {
      const { n, H } = denseHessian(f, params);
      let asym = 0,
        scale = 0;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          asym = Math.max(asym, Math.abs(H[i * n + j] - H[j * n + i]));
          scale = Math.max(scale, Math.abs(H[i * n + j]));
        }
      assert.ok(asym <= 1e-13 * scale, `${cfg.arch}: Hessian asymmetry ${asym}`);
    }
  });
});

test("vjp and jvp are transposes: ⟨u, J v⟩ = ⟨Jᵀu, v⟩", () => {
  const [k1, k2, k3, k4] = split(key(9), 4);
  const A = randn(k1, [3, 4]);
  const f = (p: { x: Tensor }) => F.tanh(F.matmul(A, F.exp(p.x)));
  const params = { x: randn(k2, [4]) };
  const u = randn(k3, [3]);
  const v = { x: randn(k4, [4]) };
  const { out, pullback } = vjp(f, params);
  const { tangentOut } = jvp(f, params, v);
  assert.deepEqual(out.shape, [3]);
  assertClose(treeDot(u, tangentOut), treeDot(pullback(u), v), 1e-13, "⟨u, Jv⟩");
});

test("per-sample gradients average to the batch gradient (mean losses)", () => {
  const cfg = parseModelConfig({ arch: "mlp", sizes: [3, 6, 4], activation: "relu" });
  const model = modelOf(cfg);
  const [kp, kx] = split(key(5), 2);
  const params = model.init(kp);
  const X = randn(kx, [7, 3]);
  const y = tensor([0, 3, 1, 2, 2, 0, 1]);
  const lossOf = (p: typeof params, x: Tensor, t: Tensor) => xent(model.apply(p, x), t);
  const { values, grads } = perSampleGrads(lossOf, params, X, y);
  const { value, grad: g } = valueAndGrad(lossOf)(params, X, y);
  assertClose(values.reduce((s, v) => s + v, 0) / 7, value.item(), 1e-14, "mean loss");
  leaves(grads).forEach((pg, j) => {
    const batch = leaves(g)[j];
    const avg = new Float64Array(batch.size);
    for (let i = 0; i < pg.size; i++) avg[i % batch.size] += pg.data[i] / 7;
    assertAllClose(avg, batch.data, 1e-13, `leaf ${j}`);
  });
});

test("hvp returns the value and gradient along with H v", () => {
  const f = (p: { x: Tensor }) => F.sum(F.mul(F.exp(p.x), p.x));
  const x = tensor([0.5, -1]);
  const r = hvp(f)({ x }, { x: tensor([1, 1]) });
  const e = [Math.exp(0.5), Math.exp(-1)];
  assertAllClose(r.grad.x.data, [e[0] * 1.5, e[1] * 0], 1e-15);
  assertAllClose(r.hvp.x.data, [e[0] * 2.5, e[1] * 1], 1e-15);
  assertClose(r.value.item(), e[0] * 0.5 - e[1], 1e-15);
});
