/**
 * Plain-TypeScript GEMM: C[m,n] = op(A)[m,k] · op(B)[k,n] with op = identity or transpose, so no
 * transposed copy is ever materialised. This path is always present; it is also the oracle for
 * faster kernels.
 */

/**
 * Computes one GEMM into `c` (overwritten). A is stored [m,k] (or [k,m] when transA), B is [k,n]
 * (or [n,k] when transB); offsets select a matrix inside a batched buffer.
 */
export function gemm(
  m: number, n: number, k: number,
  a: Float64Array, aOff: number, transA: boolean,
  b: Float64Array, bOff: number, transB: boolean,
  c: Float64Array, cOff: number,
): void {
  c.fill(0, cOff, cOff + m * n);
  if (!transB) {
    // i-p-j order: the innermost loop streams rows of B and C contiguously.
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * n;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
    return;
  }
  // B transposed: C[i,j] = Σ_p A[i,p] B[j,p], a dot product of two contiguous rows when !transA.
  if (!transA) {
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * k;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * k;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let p = 0;
        for (; p + 3 < k; p += 4) {
          s0 += a[ai + p] * b[bj + p];
          s1 += a[ai + p + 1] * b[bj + p + 1];
          s2 += a[ai + p + 2] * b[bj + p + 2];
          s3 += a[ai + p + 3] * b[bj + p + 3];
        }
        for (; p < k; p++) s0 += a[ai + p] * b[bj + p];
        c[cOff + i * n + j] = s0 + s1 + s2 + s3;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + p * m + i] * b[bOff + j * k + p];
      c[cOff + i * n + j] = s;
    }
  }
}
