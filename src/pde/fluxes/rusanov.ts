/**
 * Rusanov (local Lax–Friedrichs) flux:
 *   F = ½(f(uL) + f(uR)) − ½ a (uR − uL),   a = max(|uL|, |uR|) = max |f'| over the two states.
 */
import { burgersFlux, type FluxInfo } from "./types.ts";

export function rusanovFlux(uL: number, uR: number): number {
  // a conditional rather than Math.max (whose NaN and −0 rules V8 pays for in hot loops): the flux
  // is the same for every input, a NaN state making it NaN through f either way
  const aL = Math.abs(uL),
    aR = Math.abs(uR);
  const a = aL > aR ? aL : aR;
  return 0.5 * (burgersFlux(uL) + burgersFlux(uR)) - 0.5 * a * (uR - uL);
}

export const rusanov: FluxInfo = {
  name: "rusanov",
  order: 1,
  reference: "Rusanov (1961); Toro, Riemann Solvers and Numerical Methods for Fluid Dynamics (2009) §10.5",
  flux: rusanovFlux,
};
