/**
 * Discrete Helmholtz–Hodge on a 2-D grid (docs/gradient-field.md §hodge): the potential φ that best
 * explains a 1-form F in least squares over the grid's edges,
 *
 *   min_φ Σ_edges ((φ_b − φ_a)/h − ½(F(a) + F(b))·e)²,
 *
 * with natural boundary conditions (nothing is imposed on the boundary: the minimiser satisfies the
 * discrete Neumann condition ∂φ/∂n = F·n in the weak sense, and φ is fixed up to a constant). The
 * normal equations are the grid's Neumann Laplacian, solved by conjugate gradients from φ = 0 (the
 * right-hand side sums to zero, so the iterates stay orthogonal to the constants). Reported: the
 * fraction of the edge field's energy not explained by ∇φ,
 *
 *   fraction = ‖Dφ − b‖² / ‖b‖²,
 *
 * 0 for an exact gradient (up to O(h²) edge averaging) and 1 for a field orthogonal to all
 * gradients. With R noisy replicates the noise adds non-gradient energy; it is estimated from the
 * half-difference of two half-means (same variance as the mean's noise) and subtracted.
 */
import { type Key, foldIn, key as keyOf } from "../core/random.ts";
import type { Coordinates, DriftField } from "./types.ts";

export interface Grid2 {
  x: Float64Array;
  y: Float64Array;
}

export function uniformGrid(lo: readonly number[], hi: readonly number[], n: number): Grid2 {
  const axis = (a: number, b: number) => Float64Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));
  return { x: axis(lo[0], hi[0]), y: axis(lo[1], hi[1]) };
}

export interface HodgeFit {
  /** Potential at the nodes (row-major, index i·ny + j), mean zero. */
  phi: Float64Array;
  /** ‖Dφ − b‖²/‖b‖². */
  fraction: number;
  /** ‖Dφ − b‖² and ‖b‖² (edge-length weighted sums). */
  residualEnergy: number;
  energy: number;
  iterations: number;
}

/** Edge right-hand sides b (horizontal edges first, then vertical) of a nodal field (F1, F2). */
function edgeRhs(g: Grid2, F1: ArrayLike<number>, F2: ArrayLike<number>): Float64Array {
  const nx = g.x.length,
    ny = g.y.length;
  const b = new Float64Array((nx - 1) * ny + nx * (ny - 1));
  let e = 0;
  for (let i = 0; i + 1 < nx; i++) for (let j = 0; j < ny; j++) b[e++] = 0.5 * (F1[i * ny + j] + F1[(i + 1) * ny + j]);
  for (let i = 0; i < nx; i++) for (let j = 0; j + 1 < ny; j++) b[e++] = 0.5 * (F2[i * ny + j] + F2[i * ny + j + 1]);
  return b;
}

/** Dφ: the edge differences (φ_b − φ_a)/h in the order of `edgeRhs`. */
function applyD(g: Grid2, phi: Float64Array, out: Float64Array): void {
  const nx = g.x.length,
    ny = g.y.length;
  let e = 0;
  for (let i = 0; i + 1 < nx; i++) {
    const h = g.x[i + 1] - g.x[i];
    for (let j = 0; j < ny; j++) out[e++] = (phi[(i + 1) * ny + j] - phi[i * ny + j]) / h;
  }
  for (let i = 0; i < nx; i++)
    for (let j = 0; j + 1 < ny; j++) out[e++] = (phi[i * ny + j + 1] - phi[i * ny + j]) / (g.y[j + 1] - g.y[j]);
}

/** Dᵀr. */
function applyDt(g: Grid2, r: Float64Array, out: Float64Array): void {
  const nx = g.x.length,
    ny = g.y.length;
  out.fill(0);
  let e = 0;
  for (let i = 0; i + 1 < nx; i++) {
    const h = g.x[i + 1] - g.x[i];
    for (let j = 0; j < ny; j++, e++) {
      out[(i + 1) * ny + j] += r[e] / h;
      out[i * ny + j] -= r[e] / h;
    }
  }
  for (let i = 0; i < nx; i++)
    for (let j = 0; j + 1 < ny; j++, e++) {
      const h = g.y[j + 1] - g.y[j];
      out[i * ny + j + 1] += r[e] / h;
      out[i * ny + j] -= r[e] / h;
    }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Least-squares potential of the nodal field (F1, F2) on grid g (natural boundary conditions). */
export function hodgeFit(g: Grid2, F1: ArrayLike<number>, F2: ArrayLike<number>, tol = 1e-13): HodgeFit {
  const nx = g.x.length,
    ny = g.y.length;
  if (nx < 2 || ny < 2) throw new Error("hodge: the grid needs at least 2 × 2 nodes");
  const b = edgeRhs(g, F1, F2);
  const N = nx * ny;
  const rhs = new Float64Array(N);
  applyDt(g, b, rhs);
  const phi = new Float64Array(N);
  const r = Float64Array.from(rhs);
  const p = Float64Array.from(r);
  const Dp = new Float64Array(b.length);
  const Ap = new Float64Array(N);
  let rr = dot(r, r);
  const stop = tol * tol * Math.max(rr, 1e-300);
  let it = 0;
  for (; it < 20 * N && rr > stop; it++) {
    applyD(g, p, Dp);
    applyDt(g, Dp, Ap);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) break;
    const a = rr / pAp;
    for (let i = 0; i < N; i++) {
      phi[i] += a * p[i];
      r[i] -= a * Ap[i];
    }
    const rr2 = dot(r, r);
    const beta = rr2 / rr;
    rr = rr2;
    for (let i = 0; i < N; i++) p[i] = r[i] + beta * p[i];
  }
  const m = phi.reduce((s, v) => s + v, 0) / N;
  for (let i = 0; i < N; i++) phi[i] -= m;
  applyD(g, phi, Dp);
  let res = 0,
    en = 0;
  for (let e = 0; e < b.length; e++) {
    res += (Dp[e] - b[e]) ** 2;
    en += b[e] ** 2;
  }
  return { phi, fraction: en > 0 ? res / en : 0, residualEnergy: res, energy: en, iterations: it };
}

export interface HodgeResult {
  coordinates: Coordinates;
  /** Non-gradient energy fraction of the replicate-mean (or exact mean) field. */
  fraction: number;
  /** The part of `fraction` that noise alone produces (half-difference estimate; 0 without noise). */
  noiseFraction: number;
  /** max(0, fraction − noiseFraction): the non-gradient fraction with the noise bias removed. */
  debiased: number;
  /** The mean field at the nodes (F1, F2 row-major) and its potential, for plots. */
  F1: Float64Array;
  F2: Float64Array;
  phi: Float64Array;
  replicates: number;
}

export interface HodgeOptions {
  /** Replicates for stochastic fields (default 8; forced even). */
  replicates?: number;
  key?: Key;
  /** Use the field's exact mean. */
  exact?: boolean;
}

/** Helmholtz–Hodge non-gradient fraction of every coordinate system of `field` on grid g. */
export function hodgeTest(field: DriftField, g: Grid2, o: HodgeOptions = {}): HodgeResult[] {
  if (field.dim !== 2) throw new Error("hodge: needs a 2-D chart");
  const exact = o.exact === true;
  if (exact && !field.mean) throw new Error("hodge: this field has no exact mean");
  const R = exact || field.deterministic ? 1 : 2 * Math.max(1, Math.floor((o.replicates ?? 8) / 2));
  const base = o.key ?? keyOf(0);
  const nx = g.x.length,
    ny = g.y.length,
    N = nx * ny;
  const nc = field.coordinates.length;
  // sums[c][half][component]: nodal sums over each half of the replicates.
  const sums = Array.from({ length: nc }, () =>
    Array.from({ length: 2 }, () => [new Float64Array(N), new Float64Array(N)]),
  );
  for (let r = 0; r < R; r++) {
    const stream = foldIn(base, r);
    const half = r < R / 2 ? 0 : 1;
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++) {
        const s = Float64Array.of(g.x[i], g.y[j]);
        const f = exact ? field.mean!(s) : field.sample(s, stream);
        for (let c = 0; c < nc; c++) {
          sums[c][half][0][i * ny + j] += f[c][0];
          sums[c][half][1][i * ny + j] += f[c][1];
        }
      }
  }
  return field.coordinates.map((coordinates, c) => {
    const [A, B] = sums[c];
    const F1 = A[0].map((v, i) => (v + B[0][i]) / R);
    const F2 = A[1].map((v, i) => (v + B[1][i]) / R);
    const fit = hodgeFit(g, F1, F2);
    let noiseFraction = 0;
    if (R >= 2) {
      const h = R / 2;
      const D1 = A[0].map((v, i) => (v / h - B[0][i] / h) / 2);
      const D2 = A[1].map((v, i) => (v / h - B[1][i] / h) / 2);
      const noise = hodgeFit(g, D1, D2);
      noiseFraction = fit.energy > 0 ? noise.residualEnergy / fit.energy : 0;
    }
    return {
      coordinates,
      fraction: fit.fraction,
      noiseFraction,
      debiased: Math.max(0, fit.fraction - noiseFraction),
      F1,
      F2,
      phi: fit.phi,
      replicates: R,
    };
  });
}
