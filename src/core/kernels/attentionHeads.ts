/**
 * Attention's small products read and written in place (docs/performance.md §compiled-transformer):
 * the N·H products of one attention layer, product (u, h) with its operands starting at
 * u·xN + h·xH and their rows ldx apart — so that the heads of q, k, v and of their cotangents are
 * read straight from the [N·T, H·dh] rows of the projections (row stride H·dh, head h at column
 * h·dh) instead of being permuted to [N, H, T, dh] first. Each product is the small-product kernel
 * of the batched path itself (gemmSmall of ./matmul.ts, which gemmBatched runs on the permuted
 * heads) on strided operands, so every sum is the same, term for term, in the same order; only
 * the addresses differ. The TypeScript twins of native/blas/src/heads.c's dotHeads and rowsHeads.
 */
import { gemmSmall } from "./matmul.ts";

/**
 * N·H products (u, h): operand x starts at u·xN + h·xH; `form` is a's row stride (dotHeads: lda)
 * or whether a is transposed (rowsHeads); b's and c's rows are ldb, ldc apart.
 */
export type HeadsProducts<Form> = (
  N: number,
  H: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aN: number,
  aH: number,
  form: Form,
  b: Float64Array,
  bN: number,
  bH: number,
  ldb: number,
  c: Float64Array,
  cN: number,
  cH: number,
  ldc: number,
) => void;

/** A product's output when its rows are not contiguous: computed here, then copied out. */
let scratch = new Float64Array(64);
function scratchFor(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(n);
  return scratch;
}

/** c ← gemmSmall's m×n product with its rows ldc apart from cOff. */
function product(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  ars: number,
  acs: number,
  b: Float64Array,
  bOff: number,
  brs: number,
  bcs: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  if (ldc === n) return gemmSmall(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff);
  const s = scratchFor(m * n);
  gemmSmall(m, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, s, 0);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[cOff + i * ldc + j] = s[i * n + j];
}

/**
 * c = a·bᵀ per product: a [m, k] rows lda apart, b [n, k] rows ldb apart, c [m, n] rows ldc apart;
 * k ≥ 4 (gemmSmall's dot-product form, gemmDotContig, as dotBatched).
 */
export const dotHeads: HeadsProducts<number> = (N, H, m, n, k, a, aN, aH, lda, b, bN, bH, ldb, c, cN, cH, ldc) => {
  for (let u = 0; u < N; u++)
    for (let h = 0; h < H; h++)
      product(m, n, k, a, u * aN + h * aH, lda, 1, b, u * bN + h * bH, 1, ldb, c, u * cN + h * cH, ldc);
};

/**
 * c = op(a)·b per product: a stored whole at its start ([m, k], or [k, m] with transA), b [k, n]
 * rows ldb apart, c [m, n] rows ldc apart; n ≥ 4, k ≥ 2 (gemmSmall's scaled-rows form, as rowsBatched).
 */
export const rowsHeads: HeadsProducts<boolean> = (N, H, m, n, k, a, aN, aH, transA, b, bN, bH, ldb, c, cN, cH, ldc) => {
  const ars = transA ? 1 : k,
    acs = transA ? m : 1;
  for (let u = 0; u < N; u++)
    for (let h = 0; h < H; h++)
      product(m, n, k, a, u * aN + h * aH, ars, acs, b, u * bN + h * bH, ldb, 1, c, u * cN + h * cH, ldc);
};
