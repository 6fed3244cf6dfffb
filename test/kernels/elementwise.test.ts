/**
 * The element-wise, reduction and permutation kernels against direct index arithmetic on random
 * shapes (every broadcast pattern, size-1 axes, empty arrays), the slab allocator, the fast
 * normal generator, and the fused primitives (layer norm, softmax, log-softmax, relu, tanh's
 * derivative) against their composite definitions — values, gradients and exact second
 * derivatives (Hessian-vector products), which must agree to rounding.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor, stridesOf, shapeSize } from "../../src/core/tensor.ts";
import * as F from "../../src/core/ops/index.ts";
import {
  binaryKernel,
  mapBinary,
  broadcastData,
  ADD,
  SUB,
  MUL,
  DIV,
  GT,
  EQ,
} from "../../src/core/kernels/elementwise.ts";
import { reduceAxes } from "../../src/core/kernels/reduce.ts";
import { permuteData } from "../../src/core/kernels/permute.ts";
import { allocF64 } from "../../src/core/kernels/alloc.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { broadcastShapes } from "../../src/core/shape.ts";
import { valueAndGrad, hvp } from "../../src/core/autodiff.ts";
import { layerNorm as layerNormComposite } from "../../src/core/composite/layerNorm.ts";
import { softmax as softmaxComposite, logSoftmax as logSoftmaxComposite } from "../../src/core/composite/softmax.ts";
import { leaves, type Tree } from "../../src/core/tree.ts";
import { relDiff } from "./helpers.ts";

const rng = new FastNormal(99);
const rint = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
const randShape = (nd: number) => Array.from({ length: nd }, () => rint(1, 4));
const randT = (shape: number[]) => new Tensor(rng.fill(new Float64Array(shapeSize(shape))), shape);

/** Element of a (shape aShape) at output multi-index idx under broadcasting. */
function at(a: Float64Array, aShape: number[], idx: number[]): number {
  const st = stridesOf(aShape);
  const off = idx.length - aShape.length;
  let o = 0;
  for (let d = 0; d < aShape.length; d++) o += (aShape[d] === 1 ? 0 : idx[d + off]) * st[d];
  return a[o];
}

function unravelIndex(i: number, shape: number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}

test("broadcasting binary kernels equal direct index arithmetic on random shapes", () => {
  const ops: [number, (x: number, y: number) => number][] = [
    [ADD, (x, y) => x + y],
    [SUB, (x, y) => x - y],
    [MUL, (x, y) => x * y],
    [DIV, (x, y) => x / y],
    [GT, (x, y) => (x > y ? 1 : 0)],
    [EQ, (x, y) => (x === y ? 1 : 0)],
  ];
  for (let trial = 0; trial < 300; trial++) {
    const out = randShape(rint(0, 5));
    // Each operand: a suffix of the output shape with random axes set to 1.
    const mk = () => out.slice(rint(0, out.length)).map((d) => (rng.uniform() < 0.35 ? 1 : d));
    const aS = mk(),
      bS = mk();
    const shape = broadcastShapes(aS, bS);
    const a = randT(aS).data,
      b = randT(bS).data;
    const [code, f] = ops[trial % ops.length];
    const got = binaryKernel(code, a, aS, b, bS, shape);
    const gen = mapBinary(a, aS, b, bS, shape, f);
    const bc = broadcastData(a, aS, shape);
    for (let i = 0; i < got.length; i++) {
      const idx = unravelIndex(i, shape);
      const want = f(at(a, aS, idx), at(b, bS, idx));
      assert.ok(Object.is(got[i], want) || got[i] === want, `[${aS}] ∘ [${bS}] at ${i}`);
      assert.ok(Object.is(gen[i], want) || gen[i] === want);
      assert.equal(bc[i], at(a, aS, idx));
    }
  }
});

test("reductions over any axis set and permutations equal direct index arithmetic", () => {
  for (let trial = 0; trial < 200; trial++) {
    const shape = randShape(rint(1, 5));
    const x = randT(shape).data;
    const axes = shape.map((_, i) => i).filter(() => rng.uniform() < 0.5);
    const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const sum = reduceAxes(x, shape, axes, "sum");
    const max = reduceAxes(x, shape, axes, "max");
    const wantS = new Float64Array(shapeSize(outShape));
    const wantM = new Float64Array(shapeSize(outShape)).fill(-Infinity);
    const os = stridesOf(outShape);
    for (let i = 0; i < x.length; i++) {
      const idx = unravelIndex(i, shape);
      let o = 0;
      idx.forEach((v, d) => (o += (axes.includes(d) ? 0 : v) * os[d]));
      wantS[o] += x[i];
      wantM[o] = Math.max(wantM[o], x[i]);
    }
    assert.ok(relDiff(sum, wantS) < 1e-14, `sum [${shape}] over [${axes}]`);
    assert.deepEqual([...max], [...wantM]);
    // A random permutation.
    const perm = shape.map((_, i) => i).sort(() => rng.uniform() - 0.5);
    const pshape = perm.map((p) => shape[p]);
    const got = permuteData(x, shape, perm);
    const st = stridesOf(shape);
    for (let i = 0; i < got.length; i++) {
      const idx = unravelIndex(i, pshape);
      let src = 0;
      idx.forEach((v, d) => (src += v * st[perm[d]]));
      assert.equal(got[i], x[src], `permute [${shape}] by [${perm}]`);
    }
  }
  // NaN propagates through max; empty reductions give the identity.
  assert.ok(Number.isNaN(reduceAxes(Float64Array.of(1, NaN, 2, 3), [2, 2], [1], "max")[0]));
  assert.deepEqual([...reduceAxes(new Float64Array(0), [0, 3], [0], "sum")], [0, 0, 0]);
});

test("slab-allocated arrays are zeroed, disjoint and 16-byte aligned", () => {
  const arrays = Array.from({ length: 400 }, (_, i) => allocF64(1 + ((i * 37) % 2048)));
  for (const a of arrays) {
    assert.ok(a.every((v) => v === 0));
    assert.equal(a.byteOffset % 16, 0);
    a.fill(1);
  }
  for (const a of arrays)
    assert.ok(
      a.every((v) => v === 1),
      "no two arrays overlap",
    );
  assert.equal(allocF64(100000).length, 100000);
});

test("the fast normal generator is seeded, reproducible and standard normal", () => {
  const a = new FastNormal(42).fill(new Float64Array(200000));
  const b = new FastNormal(42).fill(new Float64Array(200000));
  assert.deepEqual(a.subarray(0, 100), b.subarray(0, 100));
  assert.notDeepEqual([...new FastNormal(43).fill(new Float64Array(10))], [...a.subarray(0, 10)]);
  let m = 0,
    v = 0,
    m4 = 0,
    tail = 0;
  for (const x of a) m += x;
  m /= a.length;
  for (const x of a) {
    v += (x - m) ** 2;
    m4 += (x - m) ** 4;
    if (Math.abs(x) > 3) tail++;
  }
  v /= a.length;
  m4 /= a.length;
  assert.ok(Math.abs(m) < 0.01, `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 0.01, `variance ${v}`);
  assert.ok(Math.abs(m4 / (v * v) - 3) < 0.05, `kurtosis ${m4 / (v * v)}`);
  assert.ok(Math.abs(tail / a.length - 0.0027) < 0.0006, `P(|x| > 3) = ${tail / a.length}`);
});

test("the fast normal generator's fill is the stream of normal(), across chunks, scales and interleaved draws", () => {
  for (const seed of [1, 42, 2024]) {
    const filled = new FastNormal(seed),
      single = new FastNormal(seed);
    for (let r = 0; r < 40; r++) {
      const len = 1 + ((r * 7919) % 3000);
      const scale = r % 3 === 0 ? 1 : 0.3;
      const a = filled.fill(new Float64Array(len), scale);
      for (let i = 0; i < len; i++) {
        const b = scale * single.normal();
        assert.ok(Object.is(a[i], b), `seed ${seed}, chunk ${r}, draw ${i}: ${a[i]} vs ${b}`);
      }
      assert.equal(filled.uniform(), single.uniform(), `seed ${seed}: the state after chunk ${r}`);
    }
  }
});

test("the fast normal generator's fill is the stream of normal() over long streams with thousands of tail and wedge events", () => {
  // The reference generator's slow path is watched: iz = 0 is a tail draw, otherwise a wedge
  // test that accepts (a number) or rejects (null, and normal() draws again).
  for (const seed of [7, 77]) {
    const filled = new FastNormal(seed),
      single = new FastNormal(seed);
    const watched = single as unknown as { slowPath(hz: number, iz: number): number | null };
    const slow = watched.slowPath.bind(single);
    let tails = 0,
      wedgesAccepted = 0,
      wedgesRejected = 0;
    watched.slowPath = (hz, iz) => {
      const v = slow(hz, iz);
      if (iz === 0) tails++;
      else if (v === null) wedgesRejected++;
      else wedgesAccepted++;
      return v;
    };
    let draws = 0;
    for (let r = 0; draws < 400_000; r++) {
      // Chunks of 1 to ~20 000 draws, so that slow draws fall on the first and last elements too.
      const len = r % 5 === 0 ? 1 + (r % 3) : 1 + ((r * 104_729) % 20_011);
      const scale = r % 4 === 0 ? 1 : -0.7;
      const a = filled.fill(new Float64Array(len), scale);
      for (let i = 0; i < len; i++) {
        const b = scale * single.normal();
        if (!Object.is(a[i], b)) assert.fail(`seed ${seed}, draw ${draws + i}: ${a[i]} vs ${b}`);
      }
      draws += len;
      assert.equal(filled.nextInt32(), single.nextInt32(), `seed ${seed}: the state after draw ${draws}`);
    }
    assert.ok(tails > 100, `seed ${seed}: ${tails} tail draws`);
    assert.ok(
      wedgesAccepted > 2000 && wedgesRejected > 100,
      `seed ${seed}: wedges ${wedgesAccepted} / ${wedgesRejected}`,
    );
  }
});

/** Value, gradient and H·v of ⟨c, op(params)⟩ for a fused op and its composite definition. */
function compareOps(
  name: string,
  fused: (p: Record<string, Tensor>) => Tensor,
  composite: (p: Record<string, Tensor>) => Tensor,
  params: Record<string, Tensor>,
): void {
  const c = randT([...fused(params).shape]);
  const obj = (op: typeof fused) => (p: Tree) => F.sum(F.mul(op(p as Record<string, Tensor>), c));
  const v = Object.fromEntries(Object.entries(params).map(([k, t]) => [k, randT([...t.shape])]));
  const yf = fused(params),
    yc = composite(params);
  assert.ok(relDiff(yf.data, yc.data) < 1e-13, `${name}: values`);
  const gf = leaves(valueAndGrad(obj(fused))(params).grad),
    gc = leaves(valueAndGrad(obj(composite))(params).grad);
  gf.forEach((g, i) => assert.ok(relDiff(g.data, gc[i].data) < 1e-12, `${name}: gradient ${i}`));
  const hf = leaves(hvp(obj(fused))(params, v).hvp),
    hc = leaves(hvp(obj(composite))(params, v).hvp);
  hf.forEach((h, i) => assert.ok(relDiff(h.data, hc[i].data) < 1e-11, `${name}: H·v ${i}`));
}

test("fused layer norm, softmax, log-softmax, relu and tanh agree with their composites to every order", () => {
  for (let trial = 0; trial < 6; trial++) {
    const shape = [...randShape(rint(0, 2)), rint(2, 7)];
    const d = shape[shape.length - 1];
    const x = randT(shape);
    const g = randT([d]),
      b = randT([d]);
    compareOps(
      "layerNorm(x, γ, β)",
      (p) => F.layerNorm(p.x, p.g, p.b),
      (p) => layerNormComposite(p.x, p.g, p.b),
      { x, g, b },
    );
    compareOps(
      "layerNorm(x)",
      (p) => F.layerNorm(p.x),
      (p) => layerNormComposite(p.x),
      { x },
    );
    compareOps(
      "layerNorm(x, γ)",
      (p) => F.layerNorm(p.x, p.g, undefined, 1e-3),
      (p) => layerNormComposite(p.x, p.g, undefined, 1e-3),
      { x, g },
    );
    compareOps(
      "softmax",
      (p) => F.softmax(p.x),
      (p) => softmaxComposite(p.x),
      { x },
    );
    compareOps(
      "logSoftmax",
      (p) => F.logSoftmax(p.x, -1),
      (p) => logSoftmaxComposite(p.x, -1),
      { x },
    );
    compareOps(
      "relu",
      (p) => F.relu(p.x),
      (p) => F.where(F.gt(p.x, 0), p.x, 0), // relu composed from where and gt, the primitive's oracle
      { x },
    );
    compareOps(
      "tanh",
      (p) => F.tanh(F.mul(p.x, p.x)),
      (p) => F.div(F.sub(F.exp(F.mul(2, F.mul(p.x, p.x))), 1), F.add(F.exp(F.mul(2, F.mul(p.x, p.x))), 1)),
      { x },
    );
  }
  // Third order through the fused primitives: the gradient of an HVP component stays exact.
  const x = randT([3, 4]);
  const v = { x: randT([3, 4]) };
  const third = (ln: (t: Tensor) => Tensor) =>
    leaves(
      valueAndGrad((p: Tree) => {
        const h = leaves(
          hvp((q: Tree) => F.sum(F.mul(ln((q as { x: Tensor }).x), ln((q as { x: Tensor }).x))))(p, v).hvp,
        )[0];
        return F.sum(F.mul(h, h));
      })({ x }).grad,
    )[0].data;
  assert.ok(
    relDiff(
      third((t) => F.layerNorm(t)),
      third((t) => layerNormComposite(t)),
    ) < 1e-9,
  );
  assert.ok(
    relDiff(
      third((t) => F.softmax(t)),
      third((t) => softmaxComposite(t)),
    ) < 1e-9,
  );
});

test("recycled cotangent arrays never corrupt gradients (shared, summed and reshaped cotangents, repeated passes)", () => {
  // Large arrays (recycled by the reverse pass) flowing through every sharing pattern: the same
  // cotangent passed to two inputs (add), a cotangent summed from several uses, a reshape view.
  const n = 6000;
  const x = randT([n]);
  const w = randT([n]);
  const f = (p: Tree) => {
    const { x: a, w: b } = p as { x: Tensor; w: Tensor };
    const s = F.add(F.mul(a, a), F.add(a, a)); // x² + 2x
    const r = F.reshape(F.mul(s, b), [60, 100]); // (x² + 2x)·w
    return F.sum(F.add(F.tanh(r), F.reshape(F.mul(a, b), [60, 100])));
  };
  const want = (xv: Float64Array, wv: Float64Array) => {
    const gx = new Float64Array(n),
      gw = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = xv[i] * xv[i] + 2 * xv[i];
      const t = Math.tanh(s * wv[i]);
      gx[i] = (1 - t * t) * wv[i] * (2 * xv[i] + 2) + wv[i];
      gw[i] = (1 - t * t) * s + xv[i];
    }
    return [gx, gw];
  };
  const vg = valueAndGrad(f);
  const [wx, ww] = want(x.data, w.data);
  for (let pass = 0; pass < 5; pass++) {
    const g = leaves(vg({ x, w }).grad);
    assert.ok(relDiff(g[0].data, wx) < 1e-12 && relDiff(g[1].data, ww) < 1e-12, `pass ${pass}`);
    // Interleave other work that reuses the recycled arrays.
    F.mul(randT([n]), 3);
    const [g0, g1] = [g[0].data.slice(), g[1].data.slice()];
    leaves(vg({ x: w, w: x }).grad);
    assert.deepEqual(g[0].data, g0, "returned gradients are never recycled");
    assert.deepEqual(g[1].data, g1);
  }
});
