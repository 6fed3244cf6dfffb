/**
 * Lanczos iteration with full re-orthogonalisation for extreme eigenpairs of a symmetric linear
 * operator given only by matrix-vector products (here: exact Hessian-vector products).
 *
 *   A q_j = β_{j−1} q_{j−1} + α_j q_j + β_j q_{j+1},   T_m = tridiag(β, α, β) = Q_mᵀ A Q_m.
 *
 * Every new vector is orthogonalised twice against all previous ones ("twice is enough", Parlett),
 * so no ghost eigenvalues appear and m = n steps reproduce the spectrum exactly. With an optional
 * `project` (an orthogonal projector P) the start vector and every new vector are projected, so the
 * Krylov space stays inside range(P): Lanczos on v ↦ P A P v restricted to range(P), which is how
 * the quotient (horizontal) Hessian is computed without its zero vertical directions.
 */
import { type Key, normalArray } from "../core/random.ts";
import { symEig } from "../linalg/dense.ts";
import { dot, axpy } from "../linalg/vector.ts";

export interface LinearOperator {
  /** Dimension of the space the operator acts on. */
  readonly n: number;
  apply(v: Float64Array): Float64Array;
}

export type Projector = (v: Float64Array) => Float64Array;

export interface LanczosRun {
  alpha: Float64Array;
  /** β_1 … β_m; β_m is the residual coupling after the last step (0 at breakdown). */
  beta: Float64Array;
  /** Orthonormal Lanczos vectors q_1 … q_m. */
  basis: Float64Array[];
}

/** A start vector: standard normal from `key`, projected and normalised (null if it vanishes). */
export function startVector(n: number, key: Key, project?: Projector): Float64Array | null {
  let v = normalArray(key, n);
  if (project) v = project(v);
  const nv = Math.sqrt(dot(v, v));
  if (!(nv > 0)) return null;
  for (let i = 0; i < n; i++) v[i] /= nv;
  return v;
}

/** Runs up to `steps` Lanczos steps from the unit vector `q1`; stops early on breakdown (invariant subspace). */
export function lanczos(op: LinearOperator, q1: Float64Array, steps: number, project?: Projector): LanczosRun {
  const basis: Float64Array[] = [q1];
  const alpha: number[] = [];
  const beta: number[] = [];
  let scale = 0;
  for (let j = 0; j < steps; j++) {
    const q = basis[j];
    let w = op.apply(q);
    if (project) w = project(w);
    const a = dot(q, w);
    alpha.push(a);
    axpy(w, -a, q);
    if (j > 0) axpy(w, -beta[j - 1], basis[j - 1]);
    for (let pass = 0; pass < 2; pass++) for (const b of basis) axpy(w, -dot(b, w), b);
    const bnorm = Math.sqrt(dot(w, w));
    scale = Math.max(scale, Math.abs(a), bnorm);
    const broke = !(bnorm > 1e-13 * scale) || j + 1 >= op.n;
    beta.push(broke ? 0 : bnorm);
    if (broke || j + 1 === steps) break;
    for (let i = 0; i < w.length; i++) w[i] /= bnorm;
    basis.push(w);
  }
  return { alpha: Float64Array.from(alpha), beta: Float64Array.from(beta), basis: basis.slice(0, alpha.length) };
}

/** Eigen-decomposition of the tridiagonal T_m of a run: Ritz values (ascending) and T's eigenvectors (row-major m×m). */
export function tridiagonalEig(run: LanczosRun): { values: Float64Array; vectors: Float64Array } {
  const m = run.alpha.length;
  const T = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    T[i * m + i] = run.alpha[i];
    if (i + 1 < m) T[i * m + i + 1] = T[(i + 1) * m + i] = run.beta[i];
  }
  return symEig(T, m);
}

export interface EigenPairs {
  /** Ritz values, most extreme first (descending for "top", ascending for "bottom"). */
  values: number[];
  /** Ritz vectors Q_m y (unit norm), when requested. */
  vectors?: Float64Array[];
  /** Residual bounds ‖A x − θ x‖ = β_m |y_m| of each Ritz pair. */
  residuals: number[];
}

export interface ExtremeOptions {
  /** How many eigenpairs at each end (default 1). */
  k?: number;
  /** Lanczos steps (default min(n, max(2k + 20, 40))). */
  steps?: number;
  key: Key;
  project?: Projector;
  vectors?: boolean;
  /**
   * A start vector to use instead of a random one (warm start: e.g. the sum of the previous call's
   * extreme Ritz vectors); it is projected and normalised. A vanishing one falls back to `key`.
   */
  start?: Float64Array;
}

/** The k largest and k smallest eigenpairs of a symmetric operator (optionally restricted to range(P)). */
export function extremeEigenpairs(
  op: LinearOperator,
  opts: ExtremeOptions,
): { top: EigenPairs; bottom: EigenPairs; steps: number } {
  const k = opts.k ?? 1;
  const steps = Math.min(op.n, opts.steps ?? Math.max(2 * k + 20, 40));
  const empty = { values: [], residuals: [], ...(opts.vectors ? { vectors: [] } : {}) };
  const q1 =
    op.n > 0
      ? ((opts.start && warmVector(opts.start, opts.project)) ?? startVector(op.n, opts.key, opts.project))
      : null;
  if (!q1 || steps < 1) return { top: empty, bottom: empty, steps: 0 };
  const run = lanczos(op, q1, steps, opts.project);
  const m = run.alpha.length;
  const { values, vectors } = tridiagonalEig(run);
  const betaM = run.beta[m - 1];
  const pick = (idx: number[]): EigenPairs => ({
    values: idx.map((i) => values[i]),
    residuals: idx.map((i) => Math.abs(betaM * vectors[(m - 1) * m + i])),
    ...(opts.vectors ? { vectors: idx.map((i) => ritzVector(run, vectors, i)) } : {}),
  });
  const kk = Math.min(k, m);
  const top = Array.from({ length: kk }, (_, i) => m - 1 - i);
  const bottom = Array.from({ length: kk }, (_, i) => i);
  return { top: pick(top), bottom: pick(bottom), steps: m };
}

function warmVector(v0: Float64Array, project?: Projector): Float64Array | null {
  const v = project ? project(Float64Array.from(v0)) : Float64Array.from(v0);
  const nv = Math.sqrt(dot(v, v));
  if (!(nv > 0) || !Number.isFinite(nv)) return null;
  for (let i = 0; i < v.length; i++) v[i] /= nv;
  return v;
}

function ritzVector(run: LanczosRun, Y: Float64Array, col: number): Float64Array {
  const m = run.alpha.length;
  const x = new Float64Array(run.basis[0].length);
  for (let j = 0; j < m; j++) axpy(x, Y[j * m + col], run.basis[j]);
  const nx = Math.sqrt(dot(x, x));
  for (let i = 0; i < x.length; i++) x[i] /= nx;
  return x;
}
