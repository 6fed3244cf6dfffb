/**
 * The linear assignment problem min_σ Σ_i C[i, σ(i)] over permutations σ, by the Hungarian
 * algorithm in its O(n³) shortest-augmenting-path form with row/column potentials (Kuhn 1955,
 * Munkres 1957; Jonker & Volgenant 1987). Exact for any finite cost matrix.
 */

/** σ with row i assigned to column σ[i], for the n×n row-major cost matrix C. */
export function linearAssignment(C: ArrayLike<number>, n: number): Int32Array {
  if (C.length !== n * n) throw new Error(`linearAssignment: ${C.length} costs for a ${n}×${n} problem`);
  for (let i = 0; i < C.length; i++)
    if (!Number.isFinite(C[i])) throw new Error(`linearAssignment: cost ${i} is ${C[i]}`);
  // 1-based arrays as in the classical formulation; column 0 is a virtual start.
  const u = new Float64Array(n + 1),
    v = new Float64Array(n + 1);
  const p = new Int32Array(n + 1); // p[j] = row matched to column j
  const way = new Int32Array(n + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let delta = Infinity,
        j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = C[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  const sigma = new Int32Array(n);
  for (let j = 1; j <= n; j++) sigma[p[j] - 1] = j - 1;
  return sigma;
}
