/**
 * Engquist–Osher flux for a convex f with its minimum at u = 0:
 *   F = f(max(uL, 0)) + f(min(uR, 0))
 * (= ∫ of the positive part of f' from the left plus the negative part from the right).
 */
import { burgersFlux, type FluxInfo } from "./types.ts";

export function engquistOsherFlux(uL: number, uR: number): number {
  return burgersFlux(Math.max(uL, 0)) + burgersFlux(Math.min(uR, 0));
}

export const engquistOsher: FluxInfo = {
  name: "engquist-osher",
  order: 1,
  reference: "Engquist & Osher (1981) Math. Comp. 36; LeVeque (1992) §15.3",
  flux: engquistOsherFlux,
};
