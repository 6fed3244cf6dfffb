// The thin products of a small dense network's step in WebAssembly SIMD (compiled by
// scripts/build-wasm.mjs to dist/wasm/thin.wasm; loader: src/core/kernels/thinWasm.ts), over
// operands in an imported memory that a compiled tanh plan shares with tanh.wasm.
//
// Each kernel evaluates, for every output element, the expression the plain TypeScript kernel
// evaluates for that shape (src/core/kernels/gemmThin.ts, gemmDotContig in
// src/core/kernels/matmul.ts): the same products added in the same order. WebAssembly's f64
// operations are correctly rounded and never fused, so the doubles are the same bit for bit. The
// two lanes of a vector always hold two independent sums (two output columns, or two of the
// partial sums the plain kernel keeps apart anyway); no sum is ever split differently.
//
// Operands are f64 arrays at byte offsets; strides are in elements.
//
// The one-output layer's backward products (g·w, an outer product, and gᵀa, a row vector times a
// matrix) go to small.wasm's kernels in the eager path; the same kernels, compiled from the same
// source, are exported here too, so that a plan runs them where its operands are.

export { outer, vecmat } from "./small";

// @ts-ignore: decorator
@inline function sp(v: f64): v128 { return f64x2.splat(v); }

/**
 * C[i, j] = 0 + A[i, 0]·W[j, 0] + A[i, 1]·W[j, 1] (left to right): x·Wᵀ with k = 2, as dotShortK.
 * A's rows are ars elements apart (its two elements adjacent), W is [n, 2], C is [m, n].
 * Columns j, j + 1 share a vector: W's rows j and j + 1 are split into their first and second
 * elements once, then every row of A is applied to them.
 */
export function dotK2(m: i32, n: i32, a: usize, ars: i32, w: usize, c: usize): void {
  const aStep = <usize>ars << 3,
    cStep = <usize>n << 3;
  let j: i32 = 0;
  for (; j + 2 <= n; j += 2) {
    const v0 = v128.load(w + (<usize>j << 4)),
      v1 = v128.load(w + (<usize>j << 4) + 16);
    const w0 = v128.shuffle<f64>(v0, v1, 0, 2),
      w1 = v128.shuffle<f64>(v0, v1, 1, 3);
    let pa = a,
      pc = c + (<usize>j << 3);
    for (let i: i32 = 0; i < m; i++, pa += aStep, pc += cStep) {
      const x0 = v128.load64_splat(pa),
        x1 = v128.load64_splat(pa + 8);
      v128.store(pc, f64x2.add(f64x2.add(sp(0.0), f64x2.mul(x0, w0)), f64x2.mul(x1, w1)));
    }
  }
  if (j < n) {
    const w0 = f64.load(w + (<usize>j << 4)),
      w1 = f64.load(w + (<usize>j << 4) + 8);
    let pa = a,
      pc = c + (<usize>j << 3);
    for (let i: i32 = 0; i < m; i++, pa += aStep, pc += cStep) {
      f64.store(pc, 0.0 + f64.load(pa) * w0 + f64.load(pa + 8) * w1);
    }
  }
}

/**
 * c[i] = Σ_p A[i, p]·w[p] for one output column (x·wᵀ with n = 1), as gemmDotContig's lone
 * column: four partial sums s_q over p ≡ q (mod 4) for p < k − k mod 4, each from 0 in p order,
 * s = (s₀ + s₁) + (s₂ + s₃), then the last k mod 4 terms added one at a time. (s₀, s₁) and
 * (s₂, s₃) are the two vectors. A's rows are ars elements apart; c is contiguous.
 */
export function dotCol(m: i32, k: i32, a: usize, ars: i32, w: usize, c: usize): void {
  const aStep = <usize>ars << 3;
  const k4 = <usize>(k & ~3) << 3,
    kb = <usize>k << 3;
  let pa = a,
    pc = c;
  for (let i: i32 = 0; i < m; i++, pa += aStep, pc += 8) {
    let s01 = sp(0.0),
      s23 = sp(0.0);
    let p: usize = 0;
    for (; p < k4; p += 32) {
      s01 = f64x2.add(s01, f64x2.mul(v128.load(pa + p), v128.load(w + p)));
      s23 = f64x2.add(s23, f64x2.mul(v128.load(pa + p + 16), v128.load(w + p + 16)));
    }
    let s =
      f64x2.extract_lane(s01, 0) +
      f64x2.extract_lane(s01, 1) +
      (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
    for (; p < kb; p += 8) s += f64.load(pa + p) * f64.load(w + p);
    f64.store(pc, s);
  }
}

/**
 * C[i, j] = Σ_p op(A)[i, p]·B[p, j] with B's rows n apart, as rowSumsThin: the terms in groups of
 * four added left to right, each group added onto the sum of the ones before (the first group is
 * the sum), then the last k mod 4 terms one at a time; for k < 4 all terms left to right.
 * op(A)[i, p] = A[i·ars + p·acs]. Columns j, j + 1 share a vector (B's row p holds both).
 * Requires k ≥ 2.
 */
export function rowSums(m: i32, n: i32, k: i32, a: usize, ars: i32, acs: i32, b: usize, c: usize): void {
  const a1 = <usize>acs << 3,
    b1 = <usize>n << 3;
  const k4 = k - (k & 3),
    r = k - k4;
  for (let i: i32 = 0; i < m; i++) {
    const ai = a + ((<usize>i * <usize>ars) << 3),
      ci = c + ((<usize>i * <usize>n) << 3);
    for (let j: i32 = 0; j < n; j += 2) {
      const pair = j + 1 < n;
      const pb0 = b + (<usize>j << 3);
      let pa = ai,
        pb = pb0;
      let s: v128;
      if (k4 > 0) {
        s = group4(pa, a1, pb, b1, pair);
        pa += a1 << 2;
        pb += b1 << 2;
        for (let p = 4; p < k4; p += 4, pa += a1 << 2, pb += b1 << 2) s = f64x2.add(s, group4(pa, a1, pb, b1, pair));
        for (let q = 0; q < r; q++, pa += a1, pb += b1) s = f64x2.add(s, f64x2.mul(v128.load64_splat(pa), row(pb, pair)));
      } else {
        s = f64x2.mul(v128.load64_splat(pa), row(pb, pair));
        for (let q = 1; q < r; q++) {
          pa += a1;
          pb += b1;
          s = f64x2.add(s, f64x2.mul(v128.load64_splat(pa), row(pb, pair)));
        }
      }
      const pc = ci + (<usize>j << 3);
      if (pair) v128.store(pc, s);
      else f64.store(pc, f64x2.extract_lane(s, 0));
    }
  }
}

/** B's row at pb: columns j and j + 1, or column j twice (the last of an odd n). */
// @ts-ignore: decorator
@inline function row(pb: usize, pair: bool): v128 {
  return pair ? v128.load(pb) : v128.load64_splat(pb);
}

/** ((x₀b₀ + x₁b₁) + x₂b₂) + x₃b₃ over four consecutive terms (x splat, b a row pair). */
// @ts-ignore: decorator
@inline function group4(pa: usize, a1: usize, pb: usize, b1: usize, pair: bool): v128 {
  const t0 = f64x2.mul(v128.load64_splat(pa), row(pb, pair));
  const t1 = f64x2.mul(v128.load64_splat(pa + a1), row(pb + b1, pair));
  const t2 = f64x2.mul(v128.load64_splat(pa + 2 * a1), row(pb + 2 * b1, pair));
  const t3 = f64x2.mul(v128.load64_splat(pa + 3 * a1), row(pb + 3 * b1, pair));
  return f64x2.add(f64x2.add(f64x2.add(t0, t1), t2), t3);
}
