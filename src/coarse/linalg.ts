/**
 * The little dense linear algebra the slices need: dot products, modified Gram–Schmidt, and the
 * cyclic Jacobi eigen-decomposition (values and vectors) of a small symmetric matrix — for the
 * Rayleigh–Ritz step of Lanczos (m ≤ ~40).
 */

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** v ← v − c·u in place. */
export function axpy(v: Float64Array, c: number, u: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++) v[i] -= c * u[i];
}

/**
 * Orthonormalises `vs` by modified Gram–Schmidt (twice, for stability). Returns null when a vector
 * is (numerically) in the span of the previous ones: |residual| ≤ 1e-10·|original|.
 */
export function orthonormalize(vs: readonly ArrayLike<number>[]): Float64Array[] | null {
  const out: Float64Array[] = [];
  for (const v0 of vs) {
    const v = Float64Array.from(v0);
    const n0 = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) for (const q of out) axpy(v, dot(q, v), q);
    const n = Math.sqrt(dot(v, v));
    if (!(n > 1e-10 * n0) || n0 === 0) return null;
    for (let i = 0; i < v.length; i++) v[i] /= n;
    out.push(v);
  }
  return out;
}

/**
 * Eigen-decomposition S = V diag(λ) Vᵀ of a symmetric m×m matrix by cyclic Jacobi rotations
 * (each rotation zeroes one off-diagonal pair; quadratically convergent). Values ascending;
 * vectors[k] is the unit eigenvector of values[k].
 */
export function symmetricEigen(S: readonly (readonly number[])[]): { values: number[]; vectors: Float64Array[] } {
  const m = S.length;
  const a = S.map((r) => Float64Array.from(r));
  const V = Array.from({ length: m }, (_, i) => {
    const r = new Float64Array(m);
    r[i] = 1;
    return r;
  });
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < m; i++) {
      total += a[i][i] ** 2;
      for (let j = i + 1; j < m; j++) off += a[i][j] ** 2;
    }
    if (off === 0 || off <= 1e-30 * (total + off)) break;
    for (let p = 0; p < m; p++) {
      for (let q = p + 1; q < m; q++) {
        if (a[p][q] === 0) continue;
        // tan 2θ = 2a_pq/(a_qq − a_pp); t = tan θ of the smaller root
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < m; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < m; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < m; k++) {
          const vkp = V[k][p];
          const vkq = V[k][q];
          V[k][p] = c * vkp - s * vkq;
          V[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => a[i][i] - a[j][j]);
  return {
    values: order.map((i) => a[i][i]),
    vectors: order.map((i) => Float64Array.from(V, (row) => row[i])),
  };
}
