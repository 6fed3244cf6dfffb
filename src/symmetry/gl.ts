/**
 * GL(n) pairs (types.ts): (X, Y) ↦ (A X, A⁻ᵀ Y). For an attention head with torch-layout weights,
 * X = W_q[h] (dh×d, the head's rows of q.weight) and Y = W_k[h]: the score matrix
 * x W_q[h]ᵀ W_k[h] xᵀ only sees XᵀY = W_Q W_Kᵀ (docs/theory.md §d.3 with W_Q = Xᵀ). For V/O, X = W_v[h]
 * and Y = W_o[:, h]ᵀ: the head's output only sees XᵀY = W_V W_O.
 */
import { type Key, normalArray, uniformArray, split } from "../core/random.ts";
import { svd, matmul } from "../linalg/dense.ts";
import { readMat, writeMat } from "./layout.ts";
import type { GLComponent, SparseVector, NamedInvariant } from "./types.ts";

export function glAct(c: GLComponent, theta: Float64Array, A: Float64Array[], Ainv: Float64Array[]): void {
  const n = c.n;
  c.pairs.forEach(({ X, Y }, h) => {
    writeMat(theta, X, matmul(A[h], readMat(theta, X), n, n, X.cols));
    writeMat(theta, Y, matmul(Ainv[h], readMat(theta, Y), n, n, Y.cols, { transA: true }));
  });
}

/** For E = e_a e_bᵀ: δX = E X (row a ← row b of X), δY = −Eᵀ Y (row b ← −row a of Y); n² per pair. */
export function glGenerators(c: GLComponent, theta: Float64Array): SparseVector[] {
  const out: SparseVector[] = [];
  for (const { X, Y } of c.pairs) {
    for (let a = 0; a < c.n; a++) {
      for (let b = 0; b < c.n; b++) {
        const idx = new Int32Array(X.cols + Y.cols);
        const val = new Float64Array(X.cols + Y.cols);
        for (let k = 0; k < X.cols; k++) {
          idx[k] = X.idx[a * X.cols + k];
          val[k] = theta[X.idx[b * X.cols + k]];
        }
        for (let k = 0; k < Y.cols; k++) {
          idx[X.cols + k] = Y.idx[b * Y.cols + k];
          val[X.cols + k] = -theta[Y.idx[a * Y.cols + k]];
        }
        out.push({ idx, val });
      }
    }
  }
  return out;
}

/** C = X Xᵀ − Y Yᵀ per pair (C_QK = W_QᵀW_Q − W_KᵀW_K, C_VO = W_VᵀW_V − W_O W_Oᵀ), shape [pairs, n, n]. */
export function glCharges(c: GLComponent, theta: Float64Array): Float64Array {
  const n = c.n;
  const out = new Float64Array(c.pairs.length * n * n);
  c.pairs.forEach(({ X, Y }, h) => {
    const x = readMat(theta, X),
      y = readMat(theta, Y);
    const xx = matmul(x, x, n, X.cols, n, { transB: true });
    const yy = matmul(y, y, n, Y.cols, n, { transB: true });
    for (let k = 0; k < n * n; k++) out[h * n * n + k] = xx[k] - yy[k];
  });
  return out;
}

/** XᵀY per pair, shape [pairs, p, q]. */
export function glProducts(c: GLComponent, theta: Float64Array): NamedInvariant {
  const p = c.pairs[0]?.X.cols ?? 0,
    q = c.pairs[0]?.Y.cols ?? 0;
  const data = new Float64Array(c.pairs.length * p * q);
  c.pairs.forEach(({ X, Y }, h) =>
    data.set(matmul(readMat(theta, X), readMat(theta, Y), p, c.n, q, { transA: true }), h * p * q),
  );
  return {
    name: `${c.name}.product`,
    shape: [c.pairs.length, p, q],
    data,
    ...(c.permutedBy ? { permutedBy: c.permutedBy } : {}),
  };
}

/**
 * Balanced factors of each pair, in place: with XᵀY = U S Vᵀ (thin SVD, signs normalised on U),
 * X ← √S Uᵀ and Y ← √S Vᵀ (top n singular triplets; rows beyond the rank are zero). This is the
 * minimiser of ‖AX‖² + ‖A⁻ᵀY‖² over GL(n), with value 2‖XᵀY‖_* and X Xᵀ = Y Yᵀ (C = 0); the SVD
 * also fixes the remaining O(n) freedom, so the result depends on XᵀY only. When XᵀY has rank < n
 * the infimum is not attained in the orbit: the result is its limit point, with the same product.
 */
export function glBalance(c: GLComponent, theta: Float64Array): void {
  for (const { X, Y } of c.pairs) {
    const { U, S, V } = productSvd(readMat(theta, X), readMat(theta, Y), c.n, X.cols, Y.cols);
    const p = X.cols,
      q = Y.cols,
      n = c.n;
    const x = new Float64Array(n * p),
      y = new Float64Array(n * q);
    for (let i = 0; i < S.length; i++) {
      const s = Math.sqrt(S[i]);
      for (let k = 0; k < p; k++) x[i * p + k] = s * U[k * n + i];
      for (let k = 0; k < q; k++) y[i * q + k] = s * V[k * n + i];
    }
    writeMat(theta, X, x);
    writeMat(theta, Y, y);
  }
}

/** Thin QR of the columns of Aᵀ for A n×p (p ≥ n): Aᵀ = Q R, Q p×n (row-major), R n×n; Gram–Schmidt twice. */
function qrOfTranspose(A: Float64Array, n: number, p: number): { Q: Float64Array; R: Float64Array } {
  const Q = new Float64Array(p * n),
    R = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const v = A.slice(j * p, (j + 1) * p);
    let norm0 = 0;
    for (let k = 0; k < p; k++) norm0 += v[k] * v[k];
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < j; l++) {
        let d = 0;
        for (let k = 0; k < p; k++) d += Q[k * n + l] * v[k];
        R[l * n + j] += d;
        for (let k = 0; k < p; k++) v[k] -= d * Q[k * n + l];
      }
    }
    let nv = 0;
    for (let k = 0; k < p; k++) nv += v[k] * v[k];
    // A column in the span of the previous ones (rank deficiency) gets no new direction.
    if (nv <= 1e-28 * norm0 || nv === 0) continue;
    nv = Math.sqrt(nv);
    R[j * n + j] = nv;
    for (let k = 0; k < p; k++) Q[k * n + j] = v[k] / nv;
  }
  return { Q, R };
}

/**
 * Top-n singular triplets of M = XᵀY (X n×p, Y n×q) without forming the p×q matrix when p, q ≥ n:
 * Xᵀ = Q_x R_x, Yᵀ = Q_y R_y ⇒ M = Q_x (R_x R_yᵀ) Q_yᵀ, and the n×n core is decomposed instead —
 * O((p + q) n²) per pair rather than O(p q min(p, q)). U (p×n) and V (q×n) are row-major, with
 * the largest-magnitude entry of each column of U positive.
 */
export function productSvd(
  x: Float64Array,
  y: Float64Array,
  n: number,
  p: number,
  q: number,
): { U: Float64Array; S: Float64Array; V: Float64Array } {
  if (p < n || q < n) {
    const r = Math.min(p, q);
    const d = svd(matmul(x, y, p, n, q, { transA: true }), p, q);
    const k = Math.min(n, r);
    const U = new Float64Array(p * n),
      V = new Float64Array(q * n);
    for (let i = 0; i < k; i++) {
      for (let a = 0; a < p; a++) U[a * n + i] = d.U[a * r + i];
      for (let a = 0; a < q; a++) V[a * n + i] = d.V[a * r + i];
    }
    return { U, S: d.S.slice(0, k), V };
  }
  const qx = qrOfTranspose(x, n, p),
    qy = qrOfTranspose(y, n, q);
  const core = svd(matmul(qx.R, qy.R, n, n, n, { transB: true }), n, n);
  const U = matmul(qx.Q, core.U, p, n, n),
    V = matmul(qy.Q, core.V, q, n, n);
  for (let i = 0; i < n; i++) {
    let best = 0,
      arg = -1;
    for (let a = 0; a < p; a++)
      if (Math.abs(U[a * n + i]) > best * (1 + 1e-12)) {
        best = Math.abs(U[a * n + i]);
        arg = a;
      }
    if (arg >= 0 && U[arg * n + i] < 0) {
      for (let a = 0; a < p; a++) U[a * n + i] = -U[a * n + i];
      for (let a = 0; a < q; a++) V[a * n + i] = -V[a * n + i];
    }
  }
  return { U, S: core.S, V };
}

/** max over pairs of ‖X Xᵀ − Y Yᵀ‖_F / (‖X‖² + ‖Y‖²). */
export function glImbalance(c: GLComponent, theta: Float64Array): number {
  const C = glCharges(c, theta);
  const n = c.n;
  let worst = 0;
  c.pairs.forEach(({ X, Y }, h) => {
    let f = 0,
      s = 0;
    for (let k = 0; k < n * n; k++) f += C[h * n * n + k] ** 2;
    for (const i of X.idx) s += theta[i] * theta[i];
    for (const i of Y.idx) s += theta[i] * theta[i];
    if (s > 0) worst = Math.max(worst, Math.sqrt(f) / s);
  });
  return worst;
}

/** 2‖XᵀY‖_* per pair: the orbit-minimal ‖X‖² + ‖Y‖² (docs/theory.md §d.3). */
export function glNuclear2(c: GLComponent, theta: Float64Array): Float64Array {
  return Float64Array.from(
    c.pairs,
    ({ X, Y }) =>
      2 * productSvd(readMat(theta, X), readMat(theta, Y), c.n, X.cols, Y.cols).S.reduce((a, b) => a + b, 0),
  );
}

/** A random orthogonal n×n matrix (Gram–Schmidt on Gaussian columns). */
export function randomOrthogonal(key: Key, n: number): Float64Array {
  const G = normalArray(key, n * n);
  const Q = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const v = Float64Array.from({ length: n }, (_, i) => G[i * n + j]);
    for (let pass = 0; pass < 2; pass++) {
      for (let l = 0; l < j; l++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += Q[i * n + l] * v[i];
        for (let i = 0; i < n; i++) v[i] -= d * Q[i * n + l];
      }
    }
    const nv = Math.hypot(...v);
    for (let i = 0; i < n; i++) Q[i * n + j] = v[i] / nv;
  }
  return Q;
}

/**
 * A = U diag(σ) Vᵀ with random orthogonal U, V and σ log-uniform in [r^-½, r^½] (condition number
 * up to r); A⁻¹ = V diag(1/σ) Uᵀ is formed from the same factors, so it is accurate to rounding.
 */
export function glRandom(c: GLComponent, key: Key, r: number): { A: Float64Array[]; Ainv: Float64Array[] } {
  const n = c.n;
  const A: Float64Array[] = [],
    Ainv: Float64Array[] = [];
  split(key, c.pairs.length).forEach((k) => {
    const [ku, kv, ks] = split(k, 3);
    const U = randomOrthogonal(ku, n),
      V = randomOrthogonal(kv, n);
    const sig = Float64Array.from(uniformArray(ks, n), (x) => Math.exp((x - 0.5) * Math.log(r)));
    const US = Float64Array.from(U, (u, i) => u * sig[i % n]);
    const VSi = Float64Array.from(V, (v, i) => v / sig[i % n]);
    A.push(matmul(US, V, n, n, n, { transB: true }));
    Ainv.push(matmul(VSi, U, n, n, n, { transB: true }));
  });
  return { A, Ainv };
}
