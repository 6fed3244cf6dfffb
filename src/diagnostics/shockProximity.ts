/**
 * Shock proximity from local Gibbs samples (docs/monitor.md §shock-proximity). The Gibbs measure of
 * the local entropy at x and scale t,
 *   ρ_x(y) ∝ exp(−β f(y) − β|x − y|²/(2t)),
 * is unimodal while y ↦ f(y) + |x − y|²/(2t) is convex (t < t*, docs/theory.md §b.2) and splits in two
 * when a shock passes x (the two Hopf–Lax minimisers; for the double well at x = 0 they are
 * ±√(1 − 1/t) once t > t* = 1). The samples (MALA, coarse/mala.ts) are projected on a direction d
 * (the most negative curvature direction: that is where the Hessian of the proximal objective first
 * loses convexity) and summarised by the sample bimodality coefficient (the chains start at x, the
 * saddle when ρ_x has split, and fall into either mode; several chains are pooled because one chain
 * rarely crosses the barrier between the modes)
 *   BC = (g² + 1) / (κ + 3(n − 1)²/((n − 2)(n − 3))),
 * g the sample skewness and κ the sample excess kurtosis: 1/3 for a Gaussian, 5/9 for a uniform
 * law, → 1 for two separated modes; BC > 5/9 is the usual sign of bimodality.
 */
import { type Key, split } from "../core/random.ts";
import { initialState, langevinRun } from "../coarse/mala.ts";
import type { Objective } from "../coarse/types.ts";
import { dot } from "../linalg/vector.ts";

export const BIMODALITY_THRESHOLD = 5 / 9;

export interface ShockProximityOptions {
  t: number;
  beta: number;
  /** Independent chains started at x (default 8), burn-in steps per chain (default 100) and kept samples in all (default 400). */
  chains?: number;
  burnIn?: number;
  samples?: number;
  key: Key;
}

export interface ShockProximity {
  bimodality: number;
  skewness: number;
  excessKurtosis: number;
  /** Mean and standard deviation of the projected samples (y − x)·d. */
  mean: number;
  sd: number;
  samples: number;
  acceptance: number;
}

/** Sample bimodality coefficient of a set of values (needs n ≥ 4). */
export function bimodalityCoefficient(v: ArrayLike<number>): { bc: number; skewness: number; excessKurtosis: number } {
  const n = v.length;
  if (n < 4) throw new Error(`bimodality coefficient: need at least 4 values, got ${n}`);
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i];
  m /= n;
  let m2 = 0,
    m3 = 0,
    m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i] - m;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return { bc: NaN, skewness: NaN, excessKurtosis: NaN };
  // Bias-corrected sample skewness G1 and excess kurtosis G2 (as in SAS/Excel, used by the BC's formula).
  const g1 = m3 / m2 ** 1.5;
  const G1 = (Math.sqrt(n * (n - 1)) / (n - 2)) * g1;
  const g2 = m4 / (m2 * m2) - 3;
  const G2 = ((n - 1) / ((n - 2) * (n - 3))) * ((n + 1) * g2 + 6);
  const bc = (G1 * G1 + 1) / (G2 + (3 * (n - 1) ** 2) / ((n - 2) * (n - 3)));
  return { bc, skewness: G1, excessKurtosis: G2 };
}

/** Bimodality of ρ_x along the unit direction d. */
export function shockProximity(
  obj: Objective,
  x: Float64Array,
  direction: Float64Array,
  o: ShockProximityOptions,
): ShockProximity {
  if (!obj.valueAndGrad) throw new Error("shock proximity: the objective needs gradients");
  const nd = Math.sqrt(dot(direction, direction));
  if (!(nd > 0)) throw new Error("shock proximity: the direction is zero");
  const d = Float64Array.from(direction, (v) => v / nd);
  const chains = o.chains ?? 8;
  const burnIn = o.burnIn ?? 100;
  const perChain = Math.max(1, Math.floor((o.samples ?? 400) / chains));
  const S = perChain * chains;
  const proj = new Float64Array(S);
  let k = 0;
  let acceptance = 0;
  const settings = { x, t: o.t, beta: o.beta, lambda: 1, adjust: true };
  for (const kc of split(o.key, chains)) {
    const [kBurn, kRun] = split(kc, 2);
    const state = initialState(obj, Float64Array.from(x), 0.1 * o.t);
    langevinRun(obj, settings, state, { steps: burnIn, key: kBurn, adapt: true });
    acceptance +=
      langevinRun(obj, settings, state, {
        steps: perChain,
        key: kRun,
        adapt: false,
        onSample: (st) => {
          let s = 0;
          for (let i = 0; i < d.length; i++) s += (st.y[i] - x[i]) * d[i];
          proj[k++] = s;
        },
      }) / chains;
  }
  const { bc, skewness, excessKurtosis } = bimodalityCoefficient(proj);
  const mean = proj.reduce((a, b) => a + b, 0) / S;
  const sd = Math.sqrt(proj.reduce((a, b) => a + (b - mean) ** 2, 0) / (S - 1));
  return { bimodality: bc, skewness, excessKurtosis, mean, sd, samples: S, acceptance };
}
