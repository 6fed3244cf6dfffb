/**
 * Small dense linear algebra on row-major Float64Arrays, for the pieces of the symmetry and
 * curvature code that reduce to tiny matrices: the Lanczos tridiagonal, Gram matrices of Lie-algebra
 * generators, W_Q W_Kᵀ per attention head, dense Hessians of tiny models in tests.
 *
 * - `symEig`: cyclic Jacobi rotations (Golub & Van Loan §8.5) — slow (O(n³) per sweep) but
 *   accurate to a few ulps of ‖A‖ and simple; fine for n up to a few hundred.
 * - `svd`: one-sided Jacobi (Hestenes) — high relative accuracy for the singular values.
 * - `pivotedCholesky`: rank-revealing factorisation of a PSD matrix, for Gram matrices whose
 *   generators may be dependent (a dead neuron has a zero generator).
 * - `inverse`: Gauss–Jordan with partial pivoting.
 */

/**
 * A plane (Givens) rotation of two strided vectors of x, in place: with x_i = x[i0 + k·stride] and
 * y_k = x[j0 + k·stride], (x_k, y_k) ← (c·x_k − s·y_k, s·x_k + c·y_k) for k < count. Columns p, q
 * of a row-major matrix with row length n are (i0, j0, stride) = (p, q, n); rows are (p·n, q·n, 1).
 */
function rotate(x: Float64Array, count: number, stride: number, i0: number, j0: number, c: number, s: number): void {
  for (let k = 0, i = i0, j = j0; k < count; k++, i += stride, j += stride) {
    const xi = x[i],
      xj = x[j];
    x[i] = c * xi - s * xj;
    x[j] = s * xi + c * xj;
  }
}

/** Eigen-decomposition of a symmetric n×n matrix: ascending values; column j of `vectors` (row-major n×n) is the j-th eigenvector. */
export function symEig(A: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A as ArrayLike<number>);
  if (a.length !== n * n) throw new Error(`symEig: ${a.length} entries for a ${n}×${n} matrix`);
  // Symmetrise (callers pass matrices that are symmetric up to rounding).
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i] = 0.5 * (a[i * n + j] + a[j * n + i]);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    if (off <= 1e-32 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // Rotation that zeroes a[p][q]: t = tan θ from θ-equation cot 2θ = (a_qq − a_pp)/(2 a_pq).
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotate(a, n, n, p, q, c, s); // columns p, q of A
        rotate(a, n, 1, p * n, q * n, c, s); // rows p, q of A
        rotate(v, n, n, p, q, c, s);
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

export interface Svd {
  /** m×r row-major, orthonormal columns (a column is zero where its singular value is 0). */
  U: Float64Array;
  /** r = min(m, n) singular values, descending. */
  S: Float64Array;
  /** n×r row-major, orthonormal columns. */
  V: Float64Array;
  rank: number;
}

/**
 * Thin SVD A = U diag(S) Vᵀ of an m×n matrix by one-sided Jacobi on the columns of A (or of Aᵀ
 * when m < n). Signs are normalised: the largest-magnitude entry of each column of U is positive
 * (first such entry on ties), so equal inputs give equal factors — canonical forms rely on this.
 */
export function svd(A: ArrayLike<number>, m: number, n: number): Svd {
  if (m < n) {
    const At = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) At[j * m + i] = A[i * n + j];
    const r = svd(At, n, m);
    return normaliseSigns({ U: r.V, S: r.S, V: r.U, rank: r.rank }, m, n);
  }
  // Work on columns: G = A (m×n), rotate column pairs until mutually orthogonal; then V holds the rotations.
  const G = Float64Array.from(A as ArrayLike<number>);
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  // Columns below ~1e-15‖A‖_F are rounding noise (rank deficiency): rotating them only churns.
  let fro = 0;
  for (let i = 0; i < G.length; i++) fro += G[i] * G[i];
  const negligible = fro * 1e-30;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0,
          beta = 0,
          gamma = 0;
        for (let k = 0; k < m; k++) {
          const gp = G[k * n + p],
            gq = G[k * n + q];
          alpha += gp * gp;
          beta += gq * gq;
          gamma += gp * gq;
        }
        if (
          gamma === 0 ||
          Math.abs(gamma) <= 1e-16 * Math.sqrt(alpha * beta) ||
          alpha <= negligible ||
          beta <= negligible
        )
          continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(G, m, n, p, q, c, s); // columns p, q of G
        rotate(V, n, n, p, q, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let k = 0; k < m; k++) s += G[k * n + j] * G[k * n + j];
    return Math.sqrt(s);
  });
  const order = Array.from({ length: n }, (_, j) => j).sort((i, j) => norms[j] - norms[i]);
  const S = Float64Array.from(order, (j) => norms[j]);
  const U = new Float64Array(m * n);
  const Vs = new Float64Array(n * n);
  const tol = (S[0] || 0) * Math.max(m, n) * 2.3e-16;
  let rank = 0;
  order.forEach((src, dst) => {
    if (S[dst] > tol && S[dst] > 0) {
      rank++;
      for (let k = 0; k < m; k++) U[k * n + dst] = G[k * n + src] / S[dst];
    }
    for (let k = 0; k < n; k++) Vs[k * n + dst] = V[k * n + src];
  });
  return normaliseSigns({ U, S, V: Vs, rank }, m, n);
}

function normaliseSigns(r: Svd, m: number, n: number): Svd {
  const k = Math.min(m, n);
  for (let j = 0; j < k; j++) {
    let best = 0,
      arg = -1;
    for (let i = 0; i < m; i++) {
      const a = Math.abs(r.U[i * k + j]);
      if (a > best * (1 + 1e-12)) {
        best = a;
        arg = i;
      }
    }
    let flip = arg >= 0 && r.U[arg * k + j] < 0;
    if (arg < 0) {
      // Zero singular value: normalise on V instead so the factorisation is still deterministic.
      let bv = 0,
        av = -1;
      for (let i = 0; i < n; i++) {
        const a = Math.abs(r.V[i * k + j]);
        if (a > bv * (1 + 1e-12)) {
          bv = a;
          av = i;
        }
      }
      flip = av >= 0 && r.V[av * k + j] < 0;
    }
    if (!flip) continue;
    for (let i = 0; i < m; i++) r.U[i * k + j] = -r.U[i * k + j];
    for (let i = 0; i < n; i++) r.V[i * k + j] = -r.V[i * k + j];
  }
  return r;
}

/**
 * Pivoted Cholesky of a symmetric PSD k×k matrix G (row-major): picks pivots greedily by the
 * largest remaining diagonal *relative to the original diagonal*, and stops when every remaining
 * relative diagonal is ≤ `relTol` (those columns depend on the chosen ones). Returns the chosen
 * indices and the lower-triangular factor L (r×r) of G restricted to them.
 */
export function pivotedCholesky(
  G: ArrayLike<number>,
  k: number,
  relTol = 1e-20,
): { pivots: number[]; L: Float64Array } {
  const d0 = Array.from({ length: k }, (_, i) => G[i * k + i]);
  const d = d0.slice();
  const cols: Float64Array[] = []; // column j of the k×r factor (all rows)
  const pivots: number[] = [];
  const used = new Uint8Array(k);
  for (;;) {
    let best = -1,
      bestRel = relTol;
    for (let i = 0; i < k; i++) {
      if (used[i] || !(d0[i] > 0)) continue;
      const rel = d[i] / d0[i];
      if (rel > bestRel) {
        bestRel = rel;
        best = i;
      }
    }
    if (best < 0) break;
    used[best] = 1;
    const piv = Math.sqrt(d[best]);
    const col = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      if (used[i] && i !== best) continue;
      let s = G[i * k + best];
      for (const c of cols) s -= c[i] * c[best];
      col[i] = s / piv;
    }
    col[best] = piv;
    for (let i = 0; i < k; i++) if (!used[i]) d[i] -= col[i] * col[i];
    cols.push(col);
    pivots.push(best);
  }
  const r = pivots.length;
  const L = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = 0; b <= a; b++) L[a * r + b] = cols[b][pivots[a]];
  return { pivots, L };
}

/** Solves (L Lᵀ) y = c for a lower-triangular r×r L. */
export function choleskySolve(L: Float64Array, r: number, c: ArrayLike<number>): Float64Array {
  const y = Float64Array.from(c as ArrayLike<number>);
  for (let i = 0; i < r; i++) {
    let s = y[i];
    for (let j = 0; j < i; j++) s -= L[i * r + j] * y[j];
    y[i] = s / L[i * r + i];
  }
  for (let i = r - 1; i >= 0; i--) {
    let s = y[i];
    for (let j = i + 1; j < r; j++) s -= L[j * r + i] * y[j];
    y[i] = s / L[i * r + i];
  }
  return y;
}

/** Inverse of an n×n matrix by Gauss–Jordan with partial pivoting; throws when singular. */
export function inverse(A: ArrayLike<number>, n: number): Float64Array {
  const a = Float64Array.from(A as ArrayLike<number>);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(a[i * n + c]) > Math.abs(a[p * n + c])) p = i;
    if (a[p * n + c] === 0) throw new Error("inverse: the matrix is singular");
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        [a[p * n + k], a[c * n + k]] = [a[c * n + k], a[p * n + k]];
        [inv[p * n + k], inv[c * n + k]] = [inv[c * n + k], inv[p * n + k]];
      }
    }
    const piv = a[c * n + c];
    for (let k = 0; k < n; k++) {
      a[c * n + k] /= piv;
      inv[c * n + k] /= piv;
    }
    for (let i = 0; i < n; i++) {
      if (i === c) continue;
      const f = a[i * n + c];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        a[i * n + k] -= f * a[c * n + k];
        inv[i * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return inv;
}

/** C = A B for row-major A (m×k) and B (k×n); `transA`/`transB` read A or B transposed. */
export function matmul(
  A: ArrayLike<number>,
  B: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
  opts: { transA?: boolean; transB?: boolean } = {},
): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < k; l++) {
      const a = opts.transA ? A[l * m + i] : A[i * k + l];
      if (a === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] += a * (opts.transB ? B[j * k + l] : B[l * n + j]);
    }
  }
  return C;
}

/** LU factorisation with partial pivoting of an n×n row-major matrix (P A = L U, L unit-lower). */
function luDecompose(A: ArrayLike<number>, n: number): { lu: Float64Array; perm: number[]; sign: number } {
  const lu = Float64Array.from(A as ArrayLike<number>);
  const perm = Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(lu[i * n + k]) > Math.abs(lu[p * n + k])) p = i;
    if (p !== k) {
      for (let j = 0; j < n; j++) [lu[p * n + j], lu[k * n + j]] = [lu[k * n + j], lu[p * n + j]];
      [perm[p], perm[k]] = [perm[k], perm[p]];
      sign = -sign;
    }
    const piv = lu[k * n + k];
    if (piv === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const m = (lu[i * n + k] /= piv);
      for (let j = k + 1; j < n; j++) lu[i * n + j] -= m * lu[k * n + j];
    }
  }
  return { lu, perm, sign };
}

/** Determinant of an n×n row-major matrix (by LU). */
export function det(A: ArrayLike<number>, n: number): number {
  const { lu, sign } = luDecompose(A, n);
  let d = sign;
  for (let i = 0; i < n; i++) d *= lu[i * n + i];
  return d;
}

/** Solves A x = b for an n×n row-major A (throws when A is singular). */
export function solve(A: ArrayLike<number>, n: number, b: ArrayLike<number>): Float64Array {
  const { lu, perm } = luDecompose(A, n);
  const y = Float64Array.from(perm, (p) => b[p]);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) y[i] -= lu[i * n + j] * y[j];
  for (let i = n - 1; i >= 0; i--) {
    for (let j = i + 1; j < n; j++) y[i] -= lu[i * n + j] * y[j];
    if (lu[i * n + i] === 0) throw new Error("solve: singular matrix");
    y[i] /= lu[i * n + i];
  }
  return y;
}
