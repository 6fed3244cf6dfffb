/**
 * Jacobian asymmetry of a drift field (docs/gradient-field.md §asymmetry). A 1-form F on a chart is
 * locally a gradient iff its Jacobian J_ij = ∂F_i/∂s_j is symmetric. J comes from centred
 * differences (F(s + h e_j) − F(s − h e_j))/(2h) with common random numbers: within replicate r all
 * 2k evaluations share one stream, so the noise common to neighbouring points cancels. Reported:
 *
 *   asymmetry = ‖J̄ − J̄ᵀ‖_F / (√2 ‖J̄‖_F)      (in 2-D: |∂₁F₂ − ∂₂F₁| / ‖J̄‖_F),
 *
 * with J̄ the replicate mean and, in 2-D, a one-sample t-test of the per-replicate curl
 * c_r = ∂₁F₂ − ∂₂F₁ (H₀: E[c] = 0) whose interval, divided by ‖J̄‖_F, bounds the asymmetry.
 */
import { type Key, foldIn, key as keyOf } from "../core/random.ts";
import { tTest, type TTest } from "./stats.ts";
import type { Coordinates, DriftField } from "./types.ts";

/** k×k Jacobians (row-major, J[i·k + j] = ∂F_i/∂s_j), one per coordinate system, of F at s. */
export function centredJacobians(F: (s: Float64Array) => Float64Array[], s: Float64Array, h: number): Float64Array[] {
  const k = s.length;
  let J: Float64Array[] | null = null;
  for (let j = 0; j < k; j++) {
    const sp = Float64Array.from(s),
      sm = Float64Array.from(s);
    sp[j] += h;
    sm[j] -= h;
    const fp = F(sp),
      fm = F(sm);
    J ??= fp.map(() => new Float64Array(k * k));
    for (let c = 0; c < fp.length; c++) for (let i = 0; i < k; i++) J[c][i * k + j] = (fp[c][i] - fm[c][i]) / (2 * h);
  }
  return J as Float64Array[];
}

/** ‖J − Jᵀ‖_F / (√2 ‖J‖_F) (0 for J = 0). */
export function asymmetryOf(J: ArrayLike<number>, k: number): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      num += (J[i * k + j] - J[j * k + i]) ** 2;
      den += J[i * k + j] ** 2;
    }
  return den > 0 ? Math.sqrt(num / 2 / den) : 0;
}

export interface AsymmetryResult {
  coordinates: Coordinates;
  /** ‖J̄ − J̄ᵀ‖_F / (√2‖J̄‖_F). */
  asymmetry: number;
  /** The (1 − α) interval of the asymmetry from the curl's t interval (2-D, stochastic fields). */
  asymmetryCi: [number, number] | null;
  /** J̄ row-major. */
  jacobian: number[];
  jacobianNorm: number;
  /** t-test of the per-replicate curl (2-D, ≥ 2 replicates of a stochastic field), else null. */
  curl: TTest | null;
}

export interface AsymmetryOptions {
  /** Centred-difference step (chart units). */
  h: number;
  /** Replicates (default 1 for deterministic fields, else 32). */
  replicates?: number;
  key?: Key;
  alpha?: number;
  /** Use the field's exact mean instead of samples (controls, enumerable mini-batches). */
  exact?: boolean;
  /** Common random numbers within a replicate (default true; false: every evaluation its own stream). */
  crn?: boolean;
}

/** Jacobian asymmetry of every coordinate system of `field` at s, with a curl t-test in 2-D. */
export function jacobianAsymmetry(field: DriftField, s: Float64Array, o: AsymmetryOptions): AsymmetryResult[] {
  const k = field.dim;
  const alpha = o.alpha ?? 0.05;
  const exact = o.exact === true;
  if (exact && !field.mean) throw new Error("jacobianAsymmetry: this field has no exact mean");
  const R = exact || field.deterministic ? 1 : (o.replicates ?? 32);
  const base = o.key ?? keyOf(0);
  const perRep: Float64Array[][] = [];
  const crn = o.crn ?? true;
  for (let r = 0; r < R; r++) {
    const stream = foldIn(base, r);
    let calls = 0;
    const at = (x: Float64Array) => field.sample(x, crn ? stream : foldIn(stream, 0x10000 + calls++));
    perRep.push(centredJacobians(exact ? (x) => field.mean!(x) : at, s, o.h));
  }
  return field.coordinates.map((coordinates, c) => {
    const Jbar = new Float64Array(k * k);
    for (const J of perRep) for (let i = 0; i < k * k; i++) Jbar[i] += J[c][i] / R;
    const jn = Math.sqrt(Jbar.reduce((acc, v) => acc + v * v, 0));
    let curl: TTest | null = null;
    let asymmetryCi: [number, number] | null = null;
    if (k === 2 && R >= 2) {
      curl = tTest(
        perRep.map((J) => J[c][2] - J[c][1]),
        // Centred differences of rounded values: curls below 1e-9‖J̄‖ are rounding, not evidence.
        { alpha, floor: 1e-9 * jn },
      );
      const [lo, hi] = curl.ci;
      const a = Math.abs(lo),
        b = Math.abs(hi);
      asymmetryCi = lo <= 0 && hi >= 0 ? [0, Math.max(a, b) / jn] : [Math.min(a, b) / jn, Math.max(a, b) / jn];
    }
    return {
      coordinates,
      asymmetry: asymmetryOf(Jbar, k),
      asymmetryCi,
      jacobian: [...Jbar],
      jacobianNorm: jn,
      curl,
    };
  });
}
