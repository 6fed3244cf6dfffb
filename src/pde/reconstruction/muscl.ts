/**
 * MUSCL: piecewise-linear states with limited undivided slopes σᵢ from a = uᵢ − u_{i−1},
 * b = u_{i+1} − uᵢ:
 *   minmod(a, b) = max(min(a, b), 0) + min(max(a, b), 0)
 *   MC(a, b)     = minmod(2a, 2b, (a + b)/2)      (monotonised central, van Leer 1977)
 * Interface x_{i+½}: uL = uᵢ + ½σᵢ, uR = u_{i+1} − ½σ_{i+1}. Both limiters are TVD (σ within the
 * neighbouring differences, times 2 for MC) under CFL ≤ ½ with an SSP time stepper.
 */
import type { Reconstruction } from "./types.ts";

export type Limiter = (a: number, b: number) => number;

export function minmod(a: number, b: number): number {
  return Math.max(Math.min(a, b), 0) + Math.min(Math.max(a, b), 0);
}

export function mc(a: number, b: number): number {
  if (a * b <= 0) return 0;
  const m = Math.min(2 * Math.abs(a), 2 * Math.abs(b), 0.5 * Math.abs(a + b));
  return a > 0 ? m : -m;
}

function muscl(name: string, limiter: Limiter, reference: string): Reconstruction {
  return {
    name,
    order: 2,
    reference,
    ghost: 2,
    states(ug, n, uL, uR) {
      // σ of padded cell k: limiter(ug[k] − ug[k−1], ug[k+1] − ug[k]); interface j sits between
      // padded cells j+1 (left) and j+2 (right).
      let sLeft = limiter(ug[1] - ug[0], ug[2] - ug[1]);
      for (let j = 0; j <= n; j++) {
        const sRight = limiter(ug[j + 2] - ug[j + 1], ug[j + 3] - ug[j + 2]);
        uL[j] = ug[j + 1] + 0.5 * sLeft;
        uR[j] = ug[j + 2] - 0.5 * sRight;
        sLeft = sRight;
      }
    },
  };
}

export const musclMinmod = muscl("muscl", minmod, "van Leer (1979) J. Comput. Phys. 32; minmod: Roe (1986)");
export const musclMC = muscl("muscl-mc", mc, "van Leer (1977) J. Comput. Phys. 23 (MC limiter)");
