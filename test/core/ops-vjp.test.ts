/**
 * Every op's VJP against finite differences, on random shapes (fast-check) — and, for the smooth
 * ones, the exact HVP (reverse-over-reverse through the op's VJP) against differences of gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Tensor } from "../../src/core/tensor.ts";
import * as F from "../../src/core/ops/index.ts";
import { erf as erfScalar } from "../../src/core/special.ts";
import { checkGrad, checkHvp } from "../../src/core/gradcheck.ts";
import { key, split, type Key } from "../../src/core/random.ts";
import { randn, randu, randAway } from "./helpers.ts";

type Params = Record<string, Tensor>;
interface OpCase {
  name: string;
  /** Builds the inputs for a random shape; returns params and the op applied to them. */
  make(k: Key, dims: number[]): { params: Params; apply: (p: Params) => Tensor };
  smooth: boolean;
}

// The scalar objective: ⟨c, op(p)⟩ with a fixed random c, so every output element is tested.
function objective(c: Tensor, apply: (p: Params) => Tensor) {
  return (p: Params) => F.sum(F.mul(apply(p), c));
}

const dimsArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });

const binary = (
  name: string,
  op: (a: Tensor, b: Tensor) => Tensor,
  gen: (k: Key, s: number[]) => Tensor,
  genB = gen,
): OpCase => ({
  name,
  smooth: true,
  make: (k, dims) => {
    const [ka, kb] = split(k, 2);
    // b broadcasts over a's leading axis and (if 2-d or more) has a size-1 middle axis.
    const bShape = dims.slice(1).map((d, i) => (i === 0 && dims.length > 2 ? 1 : d));
    return { params: { a: gen(ka, dims), b: genB(kb, bShape) }, apply: (p) => op(p.a, p.b) };
  },
});

const unary = (
  name: string,
  op: (a: Tensor) => Tensor,
  gen: (k: Key, s: number[]) => Tensor,
  smooth = true,
): OpCase => ({
  name,
  smooth,
  make: (k, dims) => ({ params: { a: gen(k, dims) }, apply: (p) => op(p.a) }),
});

const N = (k: Key, s: number[]) => randn(k, s);
const POS = (k: Key, s: number[]) => randu(k, s, 0.5, 2);
const AWAY = (k: Key, s: number[]) => randAway(k, s);

const cases: OpCase[] = [
  binary("add", F.add, N),
  binary("sub", F.sub, N),
  binary("mul", F.mul, N),
  binary("div", F.div, N, AWAY),
  binary("pow", F.pow, POS, (k, s) => randu(k, s, -1.5, 2.5)),
  unary("neg", F.neg, N),
  unary("exp", F.exp, N),
  unary("log", F.log, POS),
  unary("sqrt", F.sqrt, POS),
  unary("abs", F.abs, AWAY, false),
  unary("tanh", F.tanh, N),
  unary("erf", F.erf, N),
  unary("relu", F.relu, AWAY, false),
  unary("leakyRelu", (a) => F.leakyRelu(a, 0.1), AWAY, false),
  unary("gelu", F.gelu, N),
  unary("sigmoid", F.sigmoid, N),
  unary("sum(all)", (a) => F.sum(a), N),
  unary("sum(axis 0, keepdims)", (a) => F.sum(a, 0, true), N),
  unary("sum(last axis)", (a) => F.sum(a, -1), N),
  unary("mean", (a) => F.mean(a, -1), N),
  unary("variance", (a) => F.variance(a, 0), N),
  unary("max(all)", (a) => F.max(a), N, false),
  unary("max(last axis)", (a) => F.max(a, -1), N, false),
  unary("logsumexp", (a) => F.logsumexp(a, -1), N),
  unary("softmax", (a) => F.softmax(a, -1), N),
  unary("logSoftmax", (a) => F.logSoftmax(a, 0), N),
  // Rows of ≥ 3 entries: with 2 entries layer norm is ±1 up to ε and its derivative is ill-posed.
  {
    name: "layerNorm",
    smooth: true,
    make: (k, dims) => ({ params: { a: randn(k, [...dims, 3]) }, apply: (p) => F.layerNorm(p.a) }),
  },
  unary("reshape", (a) => F.reshape(a, [-1]), N),
  unary(
    "permute",
    (a) =>
      F.permute(
        a,
        a.shape.map((_, i) => a.ndim - 1 - i),
      ),
    N,
  ),
  unary("broadcastTo", (a) => F.broadcastTo(a, [2, ...a.shape]), N),
  unary(
    "slice",
    (a) =>
      F.slice(
        a,
        a.shape.map((d) => (d > 1 ? 1 : 0)),
      ),
    N,
  ),
  unary(
    "pad",
    (a) =>
      F.pad(
        a,
        a.shape.map(() => 1),
        a.shape.map((_, i) => i % 2),
      ),
    N,
  ),
  unary("concat", (a) => F.concat([a, F.mul(a, a)], -1), N),
  unary("where", (a) => F.where(F.gt(a, 0), F.mul(a, a), F.exp(a)), AWAY, false),
  unary("square∘tanh∘exp chain", (a) => F.square(F.tanh(F.exp(F.mul(a, 0.3)))), N),
];

for (const c of cases) {
  test(`VJP of ${c.name} matches finite differences${c.smooth ? ", and so does its HVP" : ""}`, () => {
    fc.assert(
      fc.property(dimsArb, fc.integer({ min: 0, max: 1_000_000 }), (dims, seed) => {
        const [k1, k2, k3] = split(key(seed), 3);
        const { params, apply } = c.make(k1, dims);
        const out = apply(params);
        const f = objective(randn(k2, [...out.shape]), apply);
        const g = checkGrad(f, params, k3, { eps: 1e-6 });
        assert.ok(g.maxRelError < 1e-6, `${c.name} dims [${dims}]: gradient error ${g.maxRelError}`);
        if (c.smooth) {
          const h = checkHvp(f, params, k3, { eps: 1e-5 });
          assert.ok(h.maxRelError < 1e-5, `${c.name} dims [${dims}]: HVP error ${h.maxRelError}`);
        }
      }),
      { numRuns: 12, seed: 20261136 },
    );
  });
}

test("matmul VJP and HVP for every transpose flag, batch broadcasting and 1-d operands", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      fc.boolean(),
      fc.boolean(),
      fc.constantFrom("none", "a", "b", "both", "vecA", "vecB"),
      fc.integer({ min: 0, max: 1e6 }),
      (m, n, k, tA, tB, batch, seed) => {
        const [k1, k2, k3, k4] = split(key(seed), 4);
        let sa = tA ? [k, m] : [m, k];
        let sb = tB ? [n, k] : [k, n];
        if (batch === "a" || batch === "both") sa = [2, ...sa];
        if (batch === "b" || batch === "both") sb = [batch === "both" ? 1 : 3, ...sb];
        if (batch === "vecA") sa = [k];
        if (batch === "vecB") sb = [k];
        const opts = { transA: batch === "vecA" ? false : tA, transB: batch === "vecB" ? false : tB };
        const params = { a: randn(k1, sa), b: randn(k2, sb) };
        const apply = (p: Params) => F.matmul(p.a, p.b, opts);
        const f = objective(randn(k3, [...apply(params).shape]), apply);
        assert.ok(checkGrad(f, params, k4).maxRelError < 1e-6);
        // ⟨c, AB⟩ is bilinear: its Hessian is off-diagonal and exactly testable.
        assert.ok(checkHvp(f, params, k4).maxRelError < 1e-6);
      },
    ),
    { numRuns: 40, seed: 20261136 },
  );
});

test("gather / scatterAdd (embedding lookup) VJPs and HVP through a nonlinearity", () => {
  const [k1, k2, k3] = split(key(7), 3);
  const idx = F.toIndices([0, 2, 2, 1, 0, 3], [2, 3], 4);
  const params = { t: randn(k1, [4, 3]) };
  const apply = (p: Params) => F.tanh(F.gather(p.t, idx));
  const f = objective(randn(k2, [2, 3, 3]), apply);
  assert.ok(checkGrad(f, params, k3).maxRelError < 1e-7);
  assert.ok(checkHvp(f, params, k3).maxRelError < 1e-6);
  const sparams = { s: randn(k1, [2, 3, 3]) };
  const g = objective(randn(k2, [4, 3]), (p: Params) => F.scatterAdd(p.s, idx, 4));
  assert.ok(checkGrad(g, sparams, k3).maxRelError < 1e-7);
});

test("conv2d (im2col + matmul), col2im and max-pooling: gradients and exact second derivatives", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 3, max: 6 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 1e6 }),
      (N, C, H, kk, pad, seed) => {
        const [k1, k2, k3, k4, k5] = split(key(seed), 5);
        const params = { x: randn(k1, [N, C, H, H + 1]), w: randn(k2, [2, C, kk, kk]), b: randn(k3, [2]) };
        const apply = (p: Params) => F.tanh(F.conv2d(p.x, p.w, p.b, pad));
        const f = objective(randn(k4, [...apply(params).shape]), apply);
        assert.ok(checkGrad(f, params, k5).maxRelError < 1e-6);
        assert.ok(checkHvp(f, params, k5).maxRelError < 1e-5);
        const conv = F.conv2d(params.x, params.w, params.b, pad);
        if (conv.shape[2] >= 2) {
          const pool = (p: Params) => F.maxPool2d(F.conv2d(p.x, p.w, p.b, pad), 2);
          const g = objective(randn(k4, [...pool(params).shape]), pool);
          assert.ok(checkGrad(g, params, k5).maxRelError < 1e-6);
        }
      },
    ),
    { numRuns: 15, seed: 20261136 },
  );
});

test("forward values of primitives against direct formulas", () => {
  const a = new Tensor(Float64Array.from([1, -2, 3, -4, 5, -6]), [2, 3]);
  assert.deepEqual(F.sum(a, 1).toArray(), [2, -5]);
  assert.deepEqual(F.sum(a, 0).toArray(), [-3, 3, -3]);
  assert.deepEqual(F.max(a, 0).toArray(), [1, 5, 3]);
  assert.deepEqual(F.permute(a, [1, 0]).toArray(), [1, -4, -2, 5, 3, -6]);
  assert.deepEqual(F.slice(a, [0, 1], [2, 3]).toArray(), [-2, 3, 5, -6]);
  assert.deepEqual(F.pad(F.reshape(a, [6]), [1], [2]).toArray(), [0, 1, -2, 3, -4, 5, -6, 0, 0]);
  assert.deepEqual(F.concat([a, a], 0).shape, [4, 3]);
  assert.deepEqual(F.matmul(a, a, { transB: true }).toArray(), [14, -32, -32, 77]);
  assert.deepEqual(F.relu(a).toArray(), [1, 0, 3, 0, 5, 0]);
  // Reference values from C's erf (glibc), to a few ulp.
  for (const [x, want] of [
    [0.5, 0.5204998778130465],
    [-2.3, -0.9988568234026434],
    [1e-8, 1.1283791670955126e-8],
    [3.5, 0.9999992569016276],
    [5.9, 0.9999999999999999],
  ]) {
    assert.ok(Math.abs(erfScalar(x) - want) <= 2e-15 * Math.abs(want), `erf(${x}) = ${erfScalar(x)}, want ${want}`);
  }
  assert.equal(erfScalar(7), 1);
  const sm = F.softmax(new Tensor(Float64Array.from([1000, 1000, -Infinity]), [3]));
  assert.deepEqual(sm.toArray(), [0.5, 0.5, 0]);
  assert.equal(F.logsumexp(new Tensor(Float64Array.from([-Infinity, -Infinity]), [2])).item(), -Infinity);
});

test("broadcasting follows numpy and rejects incompatible shapes", () => {
  const a = new Tensor(Float64Array.from([1, 2, 3]), [3, 1]);
  const b = new Tensor(Float64Array.from([10, 20]), [2]);
  const s = F.add(a, b);
  assert.deepEqual(s.shape, [3, 2]);
  assert.deepEqual(s.toArray(), [11, 21, 12, 22, 13, 23]);
  assert.throws(
    () => F.add(new Tensor(new Float64Array(3), [3]), new Tensor(new Float64Array(2), [2])),
    /cannot be broadcast/,
  );
  assert.throws(
    () => F.matmul(new Tensor(new Float64Array(6), [2, 3]), new Tensor(new Float64Array(6), [2, 3])),
    /inner dimensions/,
  );
});
