/**
 * Gaussian approximations of the Gibbs kernel ρ_x(y) ∝ exp(−βU(y)), U(y) = f(y) + |y − x|²/(2t),
 * around a mode y* (Laplace): N(y*, (βH)⁻¹) with H = ∇²U(y*) = ∇²f(y*) + I/t
 * (docs/local-entropy.md §laplace). Two representations of the precision P = βH:
 *
 *   - dense: P = LLᵀ (Cholesky), from n exact Hessian-vector products — small n;
 *   - low-rank: P = (β/t)(I − VVᵀ) + V diag(pᵢ) Vᵀ, V orthonormal Ritz vectors of ∇²f from
 *     Lanczos (pᵢ = β(1/t + θᵢ)), the isotropic 1/t part elsewhere — any n. With V empty this is
 *     the kernel N(x, (t/β)I) itself.
 *
 * Precisions are floored at β·HFLOOR/t so a direction of (near-)zero curvature of U gets a wide,
 * not an infinite, proposal. Every fit can be widened by a factor s (covariance s²Σ) for the
 * defensive mixture components.
 */
import { symEig } from "../linalg/dense.ts";
import { dot } from "../linalg/vector.ts";
import { lanczos, startVector, tridiagonalEig } from "../curvature/lanczos.ts";
import { denseMatrix } from "../curvature/operators.ts";
import type { Key } from "../core/random.ts";
import type { Objective } from "./types.ts";

const LOG_2PI = Math.log(2 * Math.PI);
/** Smallest curvature of U a fit keeps, in units of 1/t. */
export const HFLOOR = 1e-3;

/** log N(y; c, s²P⁻¹) = −(n/2)log 2π + ½ log det P − n log s − q/(2s²), q = (y − c)ᵀP(y − c). */
function gaussianLog(n: number, logDetP: number, q: number, s: number): number {
  return -0.5 * n * LOG_2PI + 0.5 * logDetP - n * Math.log(s) - q / (2 * s * s);
}

/** Lower-triangular Cholesky factor of a symmetric n×n matrix, or null when it is not positive definite. */
export function cholesky(A: ArrayLike<number>, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = 0.5 * (A[i * n + j] + A[j * n + i]);
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Dense Hessian of f at y from n Hessian-vector products (symmetrised). */
export function denseHessian(obj: Objective, y: Float64Array): Float64Array {
  const n = obj.dim;
  const H = denseMatrix({ n, apply: (v) => obj.hvp!(y, v) });
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
  return H;
}

export interface GaussianFit {
  readonly dim: number;
  readonly center: Float64Array;
  /** log det P (P the precision of the unwidened fit). */
  readonly logDetPrecision: number;
  /** y = center + s·P^{−1/2}-factor·z for a standard normal z (length dim). */
  sample(z: Float64Array, s?: number): Float64Array;
  /** log density of N(center, s²P⁻¹) at y. */
  logDensity(y: Float64Array, s?: number): number;
  /** The same from the quadratic form q = (y − center)ᵀP(y − center) (shared by widened copies). */
  logDensityOfQuad(q: number, s?: number): number;
  /** (y − center)ᵀ P (y − center). */
  mahalanobis2(y: Float64Array): number;
  readonly kind: "dense" | "lowrank";
  /** What the fit is built from (plain arrays: a worker thread rebuilds it with `fitFromForm`). */
  readonly form: FitForm;
}

export type FitForm =
  | { kind: "dense"; center: Float64Array; L: Float64Array }
  | { kind: "lowrank"; center: Float64Array; tau: number; V: Float64Array[]; p: Float64Array };

/** The fit `form` describes (the same arithmetic as the fit it came from). */
export function fitFromForm(f: FitForm): GaussianFit {
  return f.kind === "dense" ? denseFit(f.center, f.L) : lowRankFit(f.center, f.tau, f.V, f.p);
}

/** N(c, P⁻¹) with P = LLᵀ: y = c + s L⁻ᵀ z. */
export function denseFit(center: Float64Array, L: Float64Array): GaussianFit {
  const n = center.length;
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * Math.log(L[i * n + i]);
  const quad = (y: Float64Array) => {
    // |Lᵀ(y − c)|²
    let q = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = j; i < n; i++) s += L[i * n + j] * (y[i] - center[i]);
      q += s * s;
    }
    return q;
  };
  // y = c + s·L⁻ᵀz: back substitution Lᵀw = z
  const whiten = (z: Float64Array) => {
    const w = Float64Array.from(z);
    for (let i = n - 1; i >= 0; i--) {
      let v = w[i];
      for (let k = i + 1; k < n; k++) v -= L[k * n + i] * w[k];
      w[i] = v / L[i * n + i];
    }
    return w;
  };
  return gaussian({ kind: "dense", center, L }, logDet, whiten, quad);
}

/** A GaussianFit from its form (centre and factors), log det P, a map z ↦ P^{−1/2}-factor·z and the quadratic form. */
function gaussian(
  form: FitForm,
  logDet: number,
  factor: (z: Float64Array) => Float64Array,
  quad: (y: Float64Array) => number,
): GaussianFit {
  const { kind, center } = form;
  const n = center.length;
  return {
    kind,
    form,
    dim: n,
    center,
    logDetPrecision: logDet,
    sample(z, s = 1) {
      const w = factor(z);
      for (let i = 0; i < n; i++) w[i] = center[i] + s * w[i];
      return w;
    },
    logDensity: (y, s = 1) => gaussianLog(n, logDet, quad(y), s),
    logDensityOfQuad: (q, s = 1) => gaussianLog(n, logDet, q, s),
    mahalanobis2: quad,
  };
}

/** N(c, P⁻¹) with P = τ(I − VVᵀ) + V diag(p) Vᵀ (V orthonormal, possibly empty). */
export function lowRankFit(center: Float64Array, tau: number, V: Float64Array[], p: Float64Array): GaussianFit {
  const n = center.length;
  const k = V.length;
  let logDet = (n - k) * Math.log(tau);
  for (let i = 0; i < k; i++) logDet += Math.log(p[i]);
  const quad = (y: Float64Array) => {
    const d = Float64Array.from(y, (v, i) => v - center[i]);
    let q = tau * dot(d, d);
    for (let i = 0; i < k; i++) {
      const a = dot(V[i], d);
      q += (p[i] - tau) * a * a;
    }
    return q;
  };
  const factor = (z: Float64Array) => {
    const y = Float64Array.from(z, (v) => v / Math.sqrt(tau));
    for (let i = 0; i < k; i++) {
      const a = dot(V[i], z) * (1 / Math.sqrt(p[i]) - 1 / Math.sqrt(tau));
      for (let j = 0; j < n; j++) y[j] += a * V[i][j];
    }
    return y;
  };
  return gaussian({ kind: "lowrank", center, tau, V, p }, logDet, factor, quad);
}

/** The Gibbs kernel's prior N(x, (t/β)I). */
export function kernelFit(x: Float64Array, t: number, beta: number): GaussianFit {
  return lowRankFit(x, beta / t, [], new Float64Array(0));
}

export interface LaplaceSettings {
  x: Float64Array;
  t: number;
  beta: number;
  /** Use n HVPs and a Cholesky factor (else Lanczos). */
  dense: boolean;
  /** Lanczos steps of the low-rank fit. */
  rank: number;
  key: Key;
}

/**
 * The Laplace fit at y: P = β(∇²f(y) + I/t). Dense: Cholesky, or (when P is not positive
 * definite, i.e. y is not a strict minimum) an eigen-decomposition with |eigenvalues| floored.
 * Low-rank: Lanczos on ∇²f; without an HVP the fit is the kernel's isotropic precision at y.
 */
export function laplaceFit(obj: Objective, y: Float64Array, s: LaplaceSettings): GaussianFit {
  const n = obj.dim;
  const { t, beta } = s;
  const floor = HFLOOR / t;
  if (s.dense && obj.hvp) {
    const P = denseHessian(obj, y);
    for (let i = 0; i < n; i++) P[i * n + i] += 1 / t;
    const L = cholesky(P, n);
    if (L)
      return denseFit(
        y,
        L.map((v) => v * Math.sqrt(beta)),
      );
    const { values, vectors } = symEig(P, n);
    const V = Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => vectors[i * n + j]));
    return lowRankFit(
      y,
      beta / t,
      V,
      values.map((h) => beta * Math.max(Math.abs(h), floor)),
    );
  }
  if (!obj.hvp || s.rank < 1) return lowRankFit(y, beta / t, [], new Float64Array(0));
  const q1 = startVector(n, s.key);
  if (!q1) return lowRankFit(y, beta / t, [], new Float64Array(0));
  const run = lanczos({ n, apply: (v) => obj.hvp!(y, v) }, q1, Math.min(n, s.rank));
  const { values, vectors } = tridiagonalEig(run);
  const m = values.length;
  const V: Float64Array[] = [];
  for (let c = 0; c < m; c++) {
    const v = new Float64Array(n);
    for (let j = 0; j < m; j++) {
      const a = vectors[j * m + c];
      const q = run.basis[j];
      for (let i = 0; i < n; i++) v[i] += a * q[i];
    }
    V.push(v);
  }
  return lowRankFit(
    y,
    beta / t,
    V,
    values.map((th) => beta * Math.max(1 / t + th, floor)),
  );
}
