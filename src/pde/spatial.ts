/**
 * Semi-discrete conservative operators for u_t + f(u)_x = ν u_xx, f = u²/2 (method of lines):
 *
 *   L(u)ᵢ = −(F_{i+½} − F_{i−½})/Δx + ν (u_{i+1} − 2uᵢ + u_{i−1})/Δx²
 *
 * A `SpatialScheme` produces the N+1 interface fluxes F_{j−½} (j = 0 … N) from a ghost-padded
 * array. Godunov-type schemes do it as "reconstruct interface states, then apply a numerical
 * flux"; WENO5 does it by flux splitting (see reconstruction/weno5.ts).
 */
import type { FluxInfo } from "./fluxes/types.ts";
import { fillGhosts, type BoundaryCondition } from "./grid.ts";
import type { Reconstruction } from "./reconstruction/types.ts";

export interface SpatialScheme {
  readonly name: string;
  readonly order: number;
  readonly reference: string;
  /** Ghost cells needed on each side. */
  readonly ghost: number;
  /**
   * What the state means: "average" (finite-volume: cell averages) or "point" (finite-difference
   * WENO: point values at the centres; they differ from cell averages by Δx²u''/24 + O(Δx⁴)).
   */
  readonly state: "average" | "point";
  /**
   * Writes F[j] at x_{j−½}, j = 0 … n, from `ug` (length n + 2·ghost, ghosts filled).
   * `alpha` is a global wave-speed bound max|u| (used by flux-splitting schemes; others ignore it).
   */
  interfaceFluxes(ug: Float64Array, n: number, F: Float64Array, alpha: number): void;
}

/** Godunov-type scheme: reconstructed states (uL, uR) at each interface fed to a numerical flux. */
export function reconstructThenFlux(recon: Reconstruction, flux: FluxInfo): SpatialScheme {
  let uL = new Float64Array(0);
  let uR = new Float64Array(0);
  const F = flux.flux;
  return {
    name: recon.order === 1 ? flux.name : `${recon.name}+${flux.name}`,
    order: recon.order,
    reference: `${recon.reference}; flux: ${flux.reference}`,
    ghost: recon.ghost,
    state: "average",
    interfaceFluxes(ug, n, out) {
      if (uL.length !== n + 1) {
        uL = new Float64Array(n + 1);
        uR = new Float64Array(n + 1);
      }
      recon.states(ug, n, uL, uR);
      for (let j = 0; j <= n; j++) out[j] = F(uL[j], uR[j]);
    },
  };
}

/** A right-hand side u ↦ L(u) writing into `out`, as consumed by the time steppers. */
export type Rhs = (u: Float64Array, out: Float64Array) => void;

/** A line operator; `alpha` overrides the line's own max|u| (2-D WENO5 passes the global one). */
export type LineRhs = (u: Float64Array, out: Float64Array, alpha?: number) => void;

/** Builds L(u) for one line of n cells with spacing dx (1-D solver, and rows/columns in 2-D). */
export function conservativeRhs(
  scheme: SpatialScheme,
  n: number,
  dx: number,
  bc: BoundaryCondition,
  nu: number,
): LineRhs {
  const g = Math.max(scheme.ghost, 1);
  const ug = new Float64Array(n + 2 * g);
  const F = new Float64Array(n + 1);
  const inv = 1 / dx;
  const visc = nu / (dx * dx);
  return (u, out, alphaOverride) => {
    let alpha = 0;
    for (let i = 0; i < n; i++) {
      const v = u[i];
      ug[g + i] = v;
      const a = Math.abs(v);
      if (a > alpha) alpha = a;
    }
    fillGhosts(ug, n, g, bc);
    scheme.interfaceFluxes(g === scheme.ghost ? ug : ug.subarray(g - scheme.ghost), n, F, alphaOverride ?? alpha);
    for (let i = 0; i < n; i++) {
      let r = -(F[i + 1] - F[i]) * inv;
      if (visc !== 0) r += visc * (ug[g + i + 1] - 2 * ug[g + i] + ug[g + i - 1]);
      out[i] = r;
    }
  };
}
