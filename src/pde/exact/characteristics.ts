/**
 * Smooth inviscid Burgers solution before the first shock, by characteristics:
 *   u(x, t) = u₀(x − u t),
 * solved for u with safeguarded Newton on g(u) = u − u₀(x − ut), g'(u) = 1 + t u₀'(x − ut) > 0 for
 * t < t* = 1/max(−u₀'), so g is increasing and the root is bracketed by [min u₀, max u₀].
 * This is the oracle for observed orders of convergence on smooth data.
 */
import type { Grid1D } from "../grid.ts";
import { cellAverages } from "../quadrature.ts";

export interface SmoothData {
  u0: (x: number) => number;
  du0: (x: number) => number;
  /** Bounds [min u₀, max u₀] (bracket the root). */
  range: readonly [number, number];
}

export function burgersCharacteristic(data: SmoothData, x: number, t: number): number {
  const { u0, du0 } = data;
  if (t === 0) return u0(x);
  let lo = data.range[0];
  let hi = data.range[1];
  let u = u0(x); // good start for small t
  if (!(u >= lo && u <= hi)) u = 0.5 * (lo + hi);
  for (let it = 0; it < 200; it++) {
    const xi = x - u * t;
    const g = u - u0(xi);
    if (g === 0) return u;
    if (g > 0) hi = u;
    else lo = u;
    const dg = 1 + t * du0(xi);
    let next = u - g / dg;
    if (!(dg > 0) || !(next > lo && next < hi)) next = 0.5 * (lo + hi); // Newton left the bracket: bisect
    if (Math.abs(next - u) <= 1e-16 * Math.max(1, Math.abs(u)) || hi - lo <= 1e-16 * Math.max(1, Math.abs(u)))
      return next;
    u = next;
  }
  return u;
}

/** Exact cell averages of the characteristic solution (GL5 per cell). */
export function burgersCharacteristicAverages(data: SmoothData, grid: Grid1D, t: number): Float64Array {
  return cellAverages((x) => burgersCharacteristic(data, x, t), grid);
}

/** The classic smooth periodic datum u₀ = sin x + shift (shock at t* = 1). */
export function sineData(shift = 0): SmoothData {
  return { u0: (x) => Math.sin(x) + shift, du0: (x) => Math.cos(x), range: [shift - 1, shift + 1] };
}
