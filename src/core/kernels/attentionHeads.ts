/**
 * Attention's small products read and written in place (docs/performance.md §compiled-transformer):
 * the N·H products of one attention layer, product (u, h) with its operands starting at
 * u·xN + h·xH and their rows ldx apart — so that the heads of q, k, v and of their cotangents are
 * read straight from the [N·T, H·dh] rows of the projections (row stride H·dh, head h at column
 * h·dh) instead of being permuted to [N, H, T, dh] first. Each output element is the sum the
 * batched small-product kernel (gemmSmall of ./matmul.ts, through gemmBatched) computes for the
 * permuted operands, term for term in the same order, so the results are bit for bit the same;
 * only the addresses differ. The TypeScript twins of native/blas/src/heads.c's dotHeads, rowsHeads.
 */

/**
 * c = a·bᵀ per product: a [m, k] rows lda apart, b [n, k] rows ldb apart, c [m, n] rows ldc
 * apart (k ≥ 4: gemmDotContig's form — columns in groups of four, each one chain in k order; a lone
 * column in four interleaved partial sums, (s0 + s1) + (s2 + s3), then the last k mod 4 terms).
 */
export function dotHeads(
  N: number,
  H: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aN: number,
  aH: number,
  lda: number,
  b: Float64Array,
  bN: number,
  bH: number,
  ldb: number,
  c: Float64Array,
  cN: number,
  cH: number,
  ldc: number,
): void {
  const n4 = n - (n & 3),
    k4 = k & ~3;
  for (let u = 0; u < N; u++)
    for (let h = 0; h < H; h++) {
      const at = u * aN + h * aH,
        bt = u * bN + h * bH,
        ct = u * cN + h * cH;
      for (let i = 0; i < m; i++) {
        const ai = at + i * lda,
          ci = ct + i * ldc;
        let j = 0;
        for (; j < n4; j += 4) {
          const b0 = bt + j * ldb,
            b1 = b0 + ldb,
            b2 = b1 + ldb,
            b3 = b2 + ldb;
          let s0 = 0,
            s1 = 0,
            s2 = 0,
            s3 = 0;
          for (let p = 0; p < k; p++) {
            const x = a[ai + p];
            s0 += x * b[b0 + p];
            s1 += x * b[b1 + p];
            s2 += x * b[b2 + p];
            s3 += x * b[b3 + p];
          }
          c[ci + j] = s0;
          c[ci + j + 1] = s1;
          c[ci + j + 2] = s2;
          c[ci + j + 3] = s3;
        }
        for (; j < n; j++) {
          const bj = bt + j * ldb;
          let s0 = 0,
            s1 = 0,
            s2 = 0,
            s3 = 0,
            p = 0;
          for (; p < k4; p += 4) {
            s0 += a[ai + p] * b[bj + p];
            s1 += a[ai + p + 1] * b[bj + p + 1];
            s2 += a[ai + p + 2] * b[bj + p + 2];
            s3 += a[ai + p + 3] * b[bj + p + 3];
          }
          let s = s0 + s1 + (s2 + s3);
          for (; p < k; p++) s += a[ai + p] * b[bj + p];
          c[ci + j] = s;
        }
      }
    }
}

/**
 * c = op(a)·b per product: a stored whole at its start ([m, k], or [k, m] with transA), b [k, n]
 * rows ldb apart, c [m, n] rows ldc apart (n ≥ 4, k ≥ 2: gemmSmall's scaled-rows form — rows of b
 * four at a time, ((x0·b0 + x1·b1) + x2·b2) + x3·b3, assigned for the first group and added after;
 * the last k mod 4 rows one by one onto the row of c).
 */
export function rowsHeads(
  N: number,
  H: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aN: number,
  aH: number,
  transA: boolean,
  b: Float64Array,
  bN: number,
  bH: number,
  ldb: number,
  c: Float64Array,
  cN: number,
  cH: number,
  ldc: number,
): void {
  const ars = transA ? 1 : k,
    acs = transA ? m : 1,
    k4 = k - (k & 3);
  for (let u = 0; u < N; u++)
    for (let h = 0; h < H; h++) {
      const at = u * aN + h * aH,
        bt = u * bN + h * bH,
        ct = u * cN + h * cH;
      for (let i = 0; i < m; i++) {
        const ai = at + i * ars,
          ci = ct + i * ldc;
        let p = 0;
        for (; p < k4; p += 4) {
          const x0 = a[ai + p * acs],
            x1 = a[ai + (p + 1) * acs],
            x2 = a[ai + (p + 2) * acs],
            x3 = a[ai + (p + 3) * acs];
          const b0 = bt + p * ldb,
            b1 = b0 + ldb,
            b2 = b1 + ldb,
            b3 = b2 + ldb;
          if (p === 0)
            for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
          else
            for (let j = 0; j < n; j++) c[ci + j] += x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j] + x3 * b[b3 + j];
        }
        const r = k - p;
        if (r === 0) continue;
        const x0 = a[ai + p * acs],
          b0 = bt + p * ldb;
        if (r === 1) {
          if (p === 0) for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j];
          else for (let j = 0; j < n; j++) c[ci + j] += x0 * b[b0 + j];
        } else if (r === 2) {
          const x1 = a[ai + (p + 1) * acs],
            b1 = b0 + ldb;
          if (p === 0) for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j] + x1 * b[b1 + j];
          else for (let j = 0; j < n; j++) c[ci + j] = c[ci + j] + x0 * b[b0 + j] + x1 * b[b1 + j];
        } else {
          const x1 = a[ai + (p + 1) * acs],
            x2 = a[ai + (p + 2) * acs],
            b1 = b0 + ldb,
            b2 = b1 + ldb;
          if (p === 0) for (let j = 0; j < n; j++) c[ci + j] = x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j];
          else for (let j = 0; j < n; j++) c[ci + j] = c[ci + j] + x0 * b[b0 + j] + x1 * b[b1 + j] + x2 * b[b2 + j];
        }
      }
    }
}
