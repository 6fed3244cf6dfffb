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
 * replicates' spread and subtracted, and a sign-flip test on the replicates' non-gradient parts
 * gives a calibrated p-value.
 */
import { type Key, foldIn, key as keyOf, uniformArray } from "../core/random.ts";
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
  /** Non-gradient energy fraction ‖ng(F̄)‖²/‖b(F̄)‖² of the replicate-mean (or exact mean) field. */
  fraction: number;
  /** The part of `fraction` that the mean's noise alone is expected to produce (0 without noise). */
  noiseFraction: number;
  /** max(0, fraction − noiseFraction): the non-gradient fraction with the noise bias removed. */
  debiased: number;
  /** ‖b(F̄)‖²: the mean field's edge energy (to express another field's residual as a fraction of it). */
  energy: number;
  /** The noise-debiased non-gradient energy max(0, ‖ng(F̄)‖² − noise). */
  residualEnergy: number;
  /**
   * Sign-flip p-value of H₀ "the mean field is a gradient": the replicates' non-gradient parts
   * ng(F_r) = ng(noise_r) are then symmetric about 0 (null when there is no noise to flip).
   */
  p: number | null;
  /** The mean field at the nodes (F1, F2 row-major) and its potential, for plots. */
  F1: Float64Array;
  F2: Float64Array;
  phi: Float64Array;
  replicates: number;
}

export interface HodgeOptions {
  /** Replicates for stochastic fields (default 8). */
  replicates?: number;
  key?: Key;
  /** Use the field's exact mean. */
  exact?: boolean;
  /** Random sign patterns of the sign-flip test (default 1000). */
  flips?: number;
}

/** The non-gradient residual b − Dφ of a nodal field (edge vector) and its fit. */
function residualOf(g: Grid2, F1: Float64Array, F2: Float64Array): { fit: HodgeFit; res: Float64Array } {
  const fit = hodgeFit(g, F1, F2);
  const b = edgeRhs(g, F1, F2);
  const Dphi = new Float64Array(b.length);
  applyD(g, fit.phi, Dphi);
  return { fit, res: b.map((v, e) => v - Dphi[e]) };
}

/**
 * Helmholtz–Hodge non-gradient fraction of every coordinate system of `field` on grid g. The
 * residual map F ↦ ng(F) is linear, so ng(F̄) = mean_r ng(F_r); its noise bias is removed with the
 * unbiased estimate ‖ng(truth)‖² ≈ ‖z̄‖² − Σ_r‖z_r − z̄‖²/(R(R − 1)), z_r = ng(F_r).
 */
export function hodgeTest(field: DriftField, g: Grid2, o: HodgeOptions = {}): HodgeResult[] {
  if (field.dim !== 2) throw new Error("hodge: needs a 2-D chart");
  const exact = o.exact === true;
  if (exact && !field.mean) throw new Error("hodge: this field has no exact mean");
  const R = exact || field.deterministic ? 1 : Math.max(2, o.replicates ?? 8);
  const base = o.key ?? keyOf(0);
  const nx = g.x.length,
    ny = g.y.length,
    N = nx * ny;
  const nc = field.coordinates.length;
  // reps[c][r] = [F1, F2] nodal values of replicate r.
  const reps = Array.from({ length: nc }, () =>
    Array.from({ length: R }, () => [new Float64Array(N), new Float64Array(N)]),
  );
  for (let r = 0; r < R; r++) {
    const stream = foldIn(base, r);
    for (let i = 0; i < nx; i++)
      for (let j = 0; j < ny; j++) {
        const s = Float64Array.of(g.x[i], g.y[j]);
        const f = exact ? field.mean!(s) : field.sample(s, stream);
        for (let c = 0; c < nc; c++) {
          reps[c][r][0][i * ny + j] = f[c][0];
          reps[c][r][1][i * ny + j] = f[c][1];
        }
      }
  }
  return field.coordinates.map((coordinates, c) => {
    const F1 = new Float64Array(N),
      F2 = new Float64Array(N);
    for (const [a, b] of reps[c])
      for (let i = 0; i < N; i++) {
        F1[i] += a[i] / R;
        F2[i] += b[i] / R;
      }
    const mean = residualOf(g, F1, F2);
    const energy = mean.fit.energy;
    let noiseFraction = 0;
    let p: number | null = null;
    if (R >= 2) {
      const z = reps[c].map(([a, b]) => residualOf(g, a, b).res);
      let spread = 0;
      for (const zr of z) for (let e = 0; e < zr.length; e++) spread += (zr[e] - mean.res[e]) ** 2;
      noiseFraction = energy > 0 ? spread / (R * (R - 1)) / energy : 0;
      p = signFlipEnergy(z, foldIn(base, 0x51f7), o.flips ?? 1000);
    }
    return {
      coordinates,
      fraction: mean.fit.fraction,
      noiseFraction,
      debiased: Math.max(0, mean.fit.fraction - noiseFraction),
      energy,
      residualEnergy: Math.max(0, mean.fit.residualEnergy - noiseFraction * energy),
      p,
      F1,
      F2,
      phi: mean.fit.phi,
      replicates: R,
    };
  });
}

/** Sign-flip p-value of ‖mean_r z_r‖² (H₀: the z_r are symmetric about 0). */
function signFlipEnergy(z: Float64Array[], key: Key, flips: number): number {
  const R = z.length,
    E = z[0].length;
  const stat = (signs: (r: number) => number) => {
    let s = 0;
    for (let e = 0; e < E; e++) {
      let m = 0;
      for (let r = 0; r < R; r++) m += signs(r) * z[r][e];
      s += m * m;
    }
    return s;
  };
  const obs = stat(() => 1);
  if (!(obs > 0)) return 1;
  const u = uniformArray(key, flips * R);
  let hits = 0;
  for (let f = 0; f < flips; f++) if (stat((r) => (u[f * R + r] < 0.5 ? -1 : 1)) >= obs * (1 - 1e-12)) hits++;
  return (1 + hits) / (1 + flips);
}
