/**
 * Multi-start mode search of the Gibbs kernel (docs/local-entropy.md §modes): U is descended from
 * x, from the explicit proximal step x − t∇f(x), and from over-dispersed draws x + 2σz of the
 * kernel (σ = √(t/β); 24 of them when Newton steps are cheap, else 4); end points within 0.1
 * standard deviations of a known mode (Mahalanobis
 * distance in that mode's Laplace precision) are merged. Each mode carries its Laplace fit and
 * Laplace mass
 *
 *   Z_k ≈ ∫ e^{−βU*_k − ½(y−y*_k)ᵀP_k(y−y*_k)} dy = e^{−βU*_k} (2π)^{n/2} det(P_k)^{−1/2},
 *
 * so log Σ_k Z_k is the Laplace approximation of log ∫ e^{−βU}. The search also reports whether
 * any probe saw ∇²U with a non-positive eigenvalue (U not convex: several modes are possible).
 */
import { type Key, foldIn, normalArray } from "../core/random.ts";
import { extremeEigenpairs } from "../curvature/lanczos.ts";
import { laplaceFit, type GaussianFit } from "./gaussian.ts";
import { findMode } from "./mode.ts";
import type { Objective } from "./types.ts";

export interface KernelMode {
  y: Float64Array;
  U: number;
  f: number;
  fit: GaussianFit;
  /** log of the Laplace mass e^{−βU*}(2π)^{n/2}det(P)^{−1/2}. */
  logMass: number;
  /** Starts that ended here. */
  hits: number;
  converged: boolean;
}

export interface ModeSearch {
  /** Distinct modes, largest Laplace mass first. */
  modes: KernelMode[];
  nonconvex: boolean;
  starts: number;
  /** Smallest Ritz value of ∇²f at x (low-rank searches only), compared with −1/t. */
  lambdaMinAtX: number | null;
}

export interface ModeSearchOptions {
  x: Float64Array;
  t: number;
  beta: number;
  key: Key;
  /** Over-dispersed kernel draws added to the two deterministic starts (default 24 with dense Newton, else 4). */
  draws?: number;
  /** Dense Newton + dense Laplace fit (default: n ≤ DENSE_MAX and an HVP exists). */
  dense?: boolean;
  /** Lanczos steps of a low-rank fit (default min(n, 40)). */
  rank?: number;
}

/** Largest dimension for dense Hessians (n HVPs and an n×n Cholesky per Newton step). */
export const DENSE_MAX = 128;

export function searchModes(obj: Objective, o: ModeSearchOptions): ModeSearch {
  const { x, t, beta } = o;
  const n = obj.dim;
  const dense = o.dense ?? (n <= DENSE_MAX && obj.hvp !== undefined);
  const rank = o.rank ?? Math.min(n, 40);
  const sigma = Math.sqrt(t / beta);
  const g = obj.valueAndGrad!(x).grad;
  const starts: Float64Array[] = [Float64Array.from(x), Float64Array.from(x, (v, i) => v - t * g[i])];
  // a basin holding a share q of the over-dispersed kernel is missed by all draws with probability (1 − q)^draws
  const draws = o.draws ?? (dense ? 24 : 4);
  const z = normalArray(foldIn(o.key, 1), draws * n);
  for (let d = 0; d < draws; d++) starts.push(Float64Array.from(x, (v, i) => v + 2 * sigma * z[d * n + i]));

  const modes: KernelMode[] = [];
  let nonconvex = false;
  starts.forEach((start, si) => {
    const m = findMode(obj, start, { x, t, beta, dense });
    nonconvex ||= m.nonconvex;
    const same = modes.find((k) => k.fit.mahalanobis2(m.y) <= 0.01);
    if (same) {
      same.hits++;
      if (m.U < same.U && !same.converged) Object.assign(same, { y: m.y, U: m.U, f: m.f });
      return;
    }
    const fit = laplaceFit(obj, m.y, { x, t, beta, dense, rank, key: foldIn(o.key, 100 + si) });
    const logMass = -beta * m.U + 0.5 * n * Math.log(2 * Math.PI) - 0.5 * fit.logDetPrecision;
    modes.push({ y: m.y, U: m.U, f: m.f, fit, logMass, hits: 1, converged: m.converged });
  });
  modes.sort((a, b) => b.logMass - a.logMass);

  let lambdaMinAtX: number | null = null;
  if (!dense && obj.hvp) {
    const e = extremeEigenpairs({ n, apply: (v) => obj.hvp!(x, v) }, { key: foldIn(o.key, 2), steps: rank });
    lambdaMinAtX = e.bottom.values[0] ?? null;
    if (lambdaMinAtX !== null && 1 / t + lambdaMinAtX <= 0) nonconvex = true;
  }
  return { modes, nonconvex, starts: starts.length, lambdaMinAtX };
}
