/** Vector helpers on Float64Arrays shared by the iterative methods (Lanczos, slices, projections). */

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** y ← y + a·x in place. */
export function axpy(y: Float64Array, a: number, x: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) y[i] += a * x[i];
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}

/**
 * Orthonormalises `vs` by modified Gram–Schmidt, twice ("twice is enough", Parlett). Returns null
 * when a vector is numerically in the span of the previous ones: |residual| ≤ 1e-10·|original|.
 */
export function orthonormalize(vs: readonly ArrayLike<number>[]): Float64Array[] | null {
  const out: Float64Array[] = [];
  for (const v0 of vs) {
    const v = Float64Array.from(v0);
    const n0 = norm(v);
    for (let pass = 0; pass < 2; pass++) for (const q of out) axpy(v, -dot(q, v), q);
    const n = norm(v);
    if (!(n > 1e-10 * n0) || n0 === 0) return null;
    for (let i = 0; i < v.length; i++) v[i] /= n;
    out.push(v);
  }
  return out;
}
