/**
 * Plain-TypeScript GEMM: C[m,n] = op(A)[m,k] · op(B)[k,n] with op = identity or transpose, so no
 * transposed copy is ever materialised. This path is always present: it is the fallback when no
 * faster backend loads, the kernel for products too small to be worth a call into WebAssembly or
 * BLAS, and the oracle the fast kernels are tested against.
 *
 * Both operands are addressed through (row stride, column stride) pairs, which is how the
 * transposes are folded in. Products are computed in 4×4 register tiles (16 accumulators, each
 * A and B element loaded once per tile and k-step) with a k-blocking that keeps the streamed rows
 * in L1; the edges fall back to 1×4, 4×1 and 1×1 tiles.
 */

import { dotShortK, outerThin, rowSumsThin, type OuterProduct, type StridedGemm } from "./gemmThin.ts";

/** The signature every float64 GEMM backend implements. */
export type GemmFn = (
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  transA: boolean,
  b: Float64Array,
  bOff: number,
  transB: boolean,
  c: Float64Array,
  cOff: number,
) => void;

/**
 * Computes one GEMM into `c` (overwritten). A is stored [m,k] (or [k,m] when transA), B is [k,n]
 * (or [n,k] when transB); offsets select a matrix inside a batched buffer.
 */
export const gemm: GemmFn = (m, n, k, a, aOff, transA, b, bOff, transB, c, cOff) => {
  // op(A)[i, p] = a[aOff + i·ars + p·acs];  op(B)[p, j] = b[bOff + p·brs + j·bcs]
  const ars = transA ? 1 : k,
    acs = transA ? m : 1;
  const brs = transB ? 1 : n,
    bcs = transB ? k : 1;
  if (k === 0) {
    c.fill(0, cOff, cOff + m * n);
    return;
  }
  if (m * n * k <= 4096 || m < 4 || n < 4) {
    gemmSmall(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
    return;
  }
  const KB = 128;
  for (let p0 = 0; p0 < k; p0 += KB) {
    const p1 = Math.min(k, p0 + KB);
    gemmBlock(m, n, p1, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, p0, p0 > 0);
  }
};

/**
 * Small products with plain loops, in the form that suits the layout: with contiguous rows of
 * op(B) (bcs = 1) each row of C is built as a sum of scaled rows of B, four at a time; otherwise
 * as dot products, four columns of C at a time (four independent accumulator chains: a single
 * chain is bound by the latency of the addition). k = 1 (an outer product) is a direct loop;
 * fewer than four columns of C (rows of B, or of the outer product) or k = 2, 3 (dot products)
 * go to the thin kernels of ./gemmThin.ts, which evaluate the same expressions element by element
 * with less loop overhead.
 */
export const gemmSmall: StridedGemm = (m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff) => {
  if (k === 1) {
    if (bcs === 1) {
      if (n < 4) outerThin(m, n, a, aOff, ars, b, bOff, c, cOff);
      else outerContig(m, n, a, aOff, ars, b, bOff, c, cOff);
    } else {
      for (let i = 0; i < m; i++) {
        const x = a[aOff + i * ars],
          ci = cOff + i * n;
        for (let j = 0; j < n; j++) c[ci + j] = x * b[bOff + j * bcs];
      }
    }
    return;
  }
  if (bcs === 1) {
    if (n < 4) {
      rowSumsThin(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
      return;
    }
    const k4 = k - (k & 3);
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * ars,
        ci = cOff + i * n;
      let p = 0;
      for (; p < k4; p += 4) {
        const x0 = a[ai + p * acs],
          x1 = a[ai + (p + 1) * acs],
          x2 = a[ai + (p + 2) * acs],
          x3 = a[ai + (p + 3) * acs];
        const b0 = bOff + p * brs,
          b1 = b0 + brs,
          b2 = b1 + brs,
          b3 = b2 + brs;
        if (p === 0)
          for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
        else for (let j = 0; j < n; j++) c[ci + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
      }
      // The last k mod 4 rows of B in one pass over the row of C (not one pass each: k = 3 is
      // every attention product of a 3-token sequence), adding in the same order as row by row.
      const r = k - p;
      if (r === 0) continue;
      const x0 = a[ai + p * acs],
        b0 = bOff + p * brs;
      if (r === 1) {
        if (p === 0) for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j];
        else for (let j = 0; j < n; j++) c[ci + j] += x0 * b[b0 + j];
      } else if (r === 2) {
        const x1 = a[ai + (p + 1) * acs],
          b1 = b0 + brs;
        if (p === 0) for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j] + x1 * b[b1 + j];
        else for (let j = 0; j < n; j++) c[ci + j] = c[ci + j] + x0 * b[b0 + j] + x1 * b[b1 + j];
      } else {
        const x1 = a[ai + (p + 1) * acs],
          x2 = a[ai + (p + 2) * acs],
          b1 = b0 + brs,
          b2 = b1 + brs;
        if (p === 0) for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j];
        else for (let j = 0; j < n; j++) c[ci + j] = c[ci + j] + x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j];
      }
    }
    return;
  }
  if (acs === 1 && brs === 1) {
    if (k < 4) dotShortK(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
    else gemmDotContig(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
    return;
  }
  rowTiles(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, 0, false, 0);
};

/**
 * The dot-product form of gemmSmall when both operands are contiguous along k (A as stored, B
 * transposed: x·Wᵀ of a linear layer), with unit-stride indices instead of index·stride products
 * in the inner loop (about a sixth faster for 1×32×32). Columns in groups of four sum in k order
 * as before; a leftover column splits its sum into four partial sums (rounding may differ from
 * the strided loop in the last bits).
 */
const gemmDotContig: StridedGemm = (m, n, k, a, aOff, ars, _acs, b, bOff, _brs, bcs, c, cOff) => {
  const n4 = n - (n & 3);
  for (let i = 0; i < m; i++) {
    const ai = aOff + i * ars,
      ci = cOff + i * n;
    let j = 0;
    for (; j < n4; j += 4) {
      const d0 = bOff + j * bcs - ai,
        d1 = d0 + bcs,
        d2 = d1 + bcs,
        d3 = d2 + bcs;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = ai, e = ai + k; p < e; p++) {
        const x = a[p];
        s0 += x * b[d0 + p];
        s1 += x * b[d1 + p];
        s2 += x * b[d2 + p];
        s3 += x * b[d3 + p];
      }
      store4(c, ci + j, false, s0, s1, s2, s3);
    }
    for (; j < n; j++) {
      // A lone column: four partial sums over k (one chain would wait on the latency of each
      // addition, ~1.2 ns here; attention scores of short sequences are all such columns).
      const d = bOff + j * bcs - ai,
        e = ai + k,
        e4 = ai + (k & ~3);
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        p = ai;
      for (; p < e4; p += 4) {
        s0 += a[p] * b[d + p];
        s1 += a[p + 1] * b[d + p + 1];
        s2 += a[p + 2] * b[d + p + 2];
        s3 += a[p + 3] * b[d + p + 3];
      }
      let s = s0 + s1 + (s2 + s3);
      for (; p < e; p++) s += a[p] * b[d + p];
      c[ci + j] = s;
    }
  }
};

/**
 * Outer product c[i, j] = a[aOff + i·ars] · b[bOff + j] (k = 1 with a contiguous row of B: the
 * weight gradient gᵀ·x of a single-sample linear layer). Its own small function so that V8 compiles
 * a tight loop with unit strides, unrolled by four (the generic loop above ran at ~1.7 ns per element,
 * this one at ~1.1).
 */
const outerContig: OuterProduct = (m, n, a, aOff, ars, b, bOff, c, cOff) => {
  for (let i = 0; i < m; i++) {
    const x = a[aOff + i * ars];
    const ci = cOff + i * n;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const o = ci + j,
        q = bOff + j;
      c[o] = x * b[q];
      c[o + 1] = x * b[q + 1];
      c[o + 2] = x * b[q + 2];
      c[o + 3] = x * b[q + 3];
    }
    for (; j < n; j++) c[ci + j] = x * b[bOff + j];
  }
};

/**
 * C (+)= op(A)[:, p0:p1] · op(B)[p0:p1, :] in 4×4 register tiles: the strided product's
 * arguments with k read as the block end p1, then the block start p0 and whether to accumulate.
 * The 4×4 and 4×1 tiles here and the 1×4 tile of rowTiles are deliberately alike: each tile shape
 * is its own loop, so that V8 keeps its accumulators in registers.
 */
type BlockGemm = (...args: [...Parameters<StridedGemm>, p0: number, acc: boolean]) => void;
const gemmBlock: BlockGemm = (m, n, p1, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, p0, acc) => {
  const m4 = m - (m % 4),
    n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOff + i * ars,
      a1 = a0 + ars,
      a2 = a1 + ars,
      a3 = a2 + ars;
    const c0 = cOff + i * n,
      c1 = c0 + n,
      c2 = c1 + n,
      c3 = c2 + n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOff + j * bcs,
        b1 = b0 + bcs,
        b2 = b1 + bcs,
        b3 = b2 + bcs;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0,
        s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let p = p0; p < p1; p++) {
        const pa = p * acs,
          pb = p * brs;
        const x0 = a[a0 + pa],
          x1 = a[a1 + pa],
          x2 = a[a2 + pa],
          x3 = a[a3 + pa];
        const y0 = b[b0 + pb],
          y1 = b[b1 + pb],
          y2 = b[b2 + pb],
          y3 = b[b3 + pb];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      store4(c, c0 + j, acc, s00, s01, s02, s03);
      store4(c, c1 + j, acc, s10, s11, s12, s13);
      store4(c, c2 + j, acc, s20, s21, s22, s23);
      store4(c, c3 + j, acc, s30, s31, s32, s33);
    }
    // Right edge: 4×1 tiles.
    for (let j = n4; j < n; j++) {
      const bj = bOff + j * bcs;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = p0; p < p1; p++) {
        const y = b[bj + p * brs],
          pa = p * acs;
        s0 += a[a0 + pa] * y;
        s1 += a[a1 + pa] * y;
        s2 += a[a2 + pa] * y;
        s3 += a[a3 + pa] * y;
      }
      c[c0 + j] = acc ? c[c0 + j] + s0 : s0;
      c[c1 + j] = acc ? c[c1 + j] + s1 : s1;
      c[c2 + j] = acc ? c[c2 + j] + s2 : s2;
      c[c3 + j] = acc ? c[c3 + j] + s3 : s3;
    }
  }
  rowTiles(m, n, p1, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, p0, acc, m4); // bottom edge
};

/**
 * Rows i0 … m−1 of C (+)= op(A)[:, p0:p1] · op(B)[p0:p1, :] in 1×4 and 1×1 tiles (the block
 * product's arguments plus the first row): the dot-product form of gemmSmall and the bottom edge
 * of gemmBlock, whose 4×4 tile this 1×4 tile deliberately mirrors (one loop per tile shape).
 */
type RowTiles = (...args: [...Parameters<BlockGemm>, i0: number]) => void;
const rowTiles: RowTiles = (m, n, p1, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, p0, acc, i0) => {
  const n4 = n - (n & 3);
  for (let i = i0; i < m; i++) {
    const ai = aOff + i * ars,
      ci = cOff + i * n;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOff + j * bcs,
        b1 = b0 + bcs,
        b2 = b1 + bcs,
        b3 = b2 + bcs;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = p0; p < p1; p++) {
        const x = a[ai + p * acs],
          pb = p * brs;
        s0 += x * b[b0 + pb];
        s1 += x * b[b1 + pb];
        s2 += x * b[b2 + pb];
        s3 += x * b[b3 + pb];
      }
      store4(c, ci + j, acc, s0, s1, s2, s3);
    }
    for (let j = n4; j < n; j++) {
      const bj = bOff + j * bcs;
      let s = 0;
      for (let p = p0; p < p1; p++) s += a[ai + p * acs] * b[bj + p * brs];
      c[ci + j] = acc ? c[ci + j] + s : s;
    }
  }
};

/** c[o … o+3] = (s0, s1, s2, s3), or += with `acc`: one row of a register tile. */
function store4(c: Float64Array, o: number, acc: boolean, s0: number, s1: number, s2: number, s3: number): void {
  if (acc) {
    c[o] += s0;
    c[o + 1] += s1;
    c[o + 2] += s2;
    c[o + 3] += s3;
  } else {
    c[o] = s0;
    c[o + 1] = s1;
    c[o + 2] = s2;
    c[o + 3] = s3;
  }
}

/**
 * A batch of nb small products C_t = op(A_t)·op(B_t), t < nb, with A_t at aOff + t·strideA and
 * B_t at bOff + t·strideB (stride 0: one matrix broadcast over the batch); C is [nb, m, n]. One
 * call for the whole batch: the per-product call overhead dominates at these sizes (attention
 * scores of short sequences, per-head products).
 */
export function gemmBatchedSmall(
  nb: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  strideA: number,
  transA: boolean,
  b: Float64Array,
  bOff: number,
  strideB: number,
  transB: boolean,
  c: Float64Array,
): void {
  const ars = transA ? 1 : k,
    acs = transA ? m : 1;
  const brs = transB ? 1 : n,
    bcs = transB ? k : 1;
  const mn = m * n;
  if (k === 0) {
    c.fill(0, 0, nb * mn);
    return;
  }
  // Each product through gemmSmall, which picks the loop form that suits the layout (rows of B
  // scaled and summed when they are contiguous, dot products with unit strides otherwise): the
  // single triple loop with strided indices that was here ran at ~2 ns per multiply-add.
  for (let t = 0; t < nb; t++) {
    gemmSmall(m, n, k, a, aOff + t * strideA, ars, acs, b, bOff + t * strideB, brs, bcs, c, t * mn);
  }
}
