/**
 * Roe flux with the Harten–Hyman entropy fix:
 *   F = ½(f(uL) + f(uR)) − ½ Q(â)(uR − uL),   â = (uL + uR)/2 (Roe average for f = u²/2),
 *   Q(a) = |a| if |a| ≥ δ, else (a² + δ²)/(2δ),   δ = max(0, â − uL, uR − â) = max(0, (uR − uL)/2).
 * Without the fix, Roe keeps a stationary expansion shock for uL = −uR < 0; δ > 0 only for
 * expanding data (uL < uR), so shocks are untouched.
 */
import { burgersFlux, type FluxInfo } from "./types.ts";

export function roeFlux(uL: number, uR: number): number {
  const a = 0.5 * (uL + uR);
  const delta = Math.max(0, 0.5 * (uR - uL));
  const absA = Math.abs(a);
  const q = absA >= delta ? absA : (a * a + delta * delta) / (2 * delta);
  return 0.5 * (burgersFlux(uL) + burgersFlux(uR)) - 0.5 * q * (uR - uL);
}

export const roe: FluxInfo = {
  name: "roe",
  order: 1,
  reference: "Roe (1981) J. Comput. Phys. 43; entropy fix: Harten & Hyman (1983) J. Comput. Phys. 50",
  flux: roeFlux,
};
