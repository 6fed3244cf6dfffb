/**
 * The scaling of a non-gradient measure with the learning rate (docs/gradient-field.md §scaling):
 * the least-squares slope k of log(measure) against log η, with its t interval. k ≈ 0 (O(1)) says
 * the coordinates or metric are wrong — the curl survives η → 0; k ≈ 1 (O(η)) says the curl is a
 * finite-step / noise effect that vanishes with η.
 */
import { fitSlope, type Slope } from "./stats.ts";

export type ScalingOrder = "O(1)" | "O(η)" | "other";

export interface ScalingResult {
  etas: number[];
  values: number[];
  exponent: number;
  fit: Slope;
  /** O(1) when the interval holds 0 and not 1, O(η) when it holds 1 and not 0 (or is within ±0.25 of it). */
  order: ScalingOrder;
}

export function etaScaling(etas: readonly number[], values: readonly number[], alpha = 0.05): ScalingResult {
  if (etas.length !== values.length || etas.length < 2) throw new Error("etaScaling: need ≥ 2 (η, value) pairs");
  const keep = etas.map((_, i) => i).filter((i) => etas[i] > 0 && values[i] > 0);
  if (keep.length < 2) throw new Error("etaScaling: need ≥ 2 positive (η, value) pairs");
  const fit = fitSlope(
    keep.map((i) => Math.log(etas[i])),
    keep.map((i) => Math.log(values[i])),
    alpha,
  );
  const [lo, hi] = fit.ci;
  const holds = (v: number, tol: number) => lo - tol <= v && v <= hi + tol;
  const order: ScalingOrder =
    holds(0, 0.25) && !holds(1, 0) ? "O(1)" : holds(1, 0.25) && !holds(0, 0) ? "O(η)" : "other";
  return { etas: [...etas], values: [...values], exponent: fit.slope, fit, order };
}
