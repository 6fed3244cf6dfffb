/**
 * Monotone numerical Hamiltonians Ĥ(p⁻, p⁺) for H(p) = ½p² (one direction; in 2-D the separable
 * H = ½(p² + q²) is handled direction by direction). p⁻/p⁺ are the left/right one-sided derivatives.
 *
 *   Lax–Friedrichs: Ĥ = H((p⁻ + p⁺)/2) − (α/2)(p⁺ − p⁻),  α ≥ max|H'(p)| = max|p| (global)
 *   Godunov:        Ĥ = ext_{p ∈ I(p⁻,p⁺)} H(p)  (min if p⁻ ≤ p⁺, max otherwise)
 *                     = ½ max(max(p⁻, 0)², min(p⁺, 0)²)  for the convex H with minimum at 0.
 * Both are monotone (non-decreasing in p⁻, non-increasing in p⁺), so the forward-Euler scheme is
 * monotone, hence convergent to the viscosity solution, under α Δt/Δx + 2νΔt/Δx² ≤ 1 (Crandall–Lions).
 */
import { lookup } from "../../validate.ts";

export type NumericalHamiltonian = (pm: number, pp: number, alpha: number) => number;

export interface HamiltonianInfo {
  readonly name: string;
  readonly order: number;
  readonly reference: string;
  readonly H: NumericalHamiltonian;
}

export function laxFriedrichsH(pm: number, pp: number, alpha: number): number {
  const m = 0.5 * (pm + pp);
  return 0.5 * m * m - 0.5 * alpha * (pp - pm);
}

export function godunovH(pm: number, pp: number): number {
  const a = Math.max(pm, 0);
  const b = Math.min(pp, 0);
  return 0.5 * Math.max(a * a, b * b);
}

export const HAMILTONIANS: Readonly<Record<string, HamiltonianInfo>> = {
  "lax-friedrichs": {
    name: "lax-friedrichs",
    order: 1,
    reference: "Crandall & Lions (1984) Math. Comp. 43; Osher & Shu (1991) SIAM J. Numer. Anal. 28",
    H: laxFriedrichsH,
  },
  godunov: {
    name: "godunov",
    order: 1,
    reference: "Bardi & Osher (1991) SIAM J. Math. Anal. 22; Osher & Shu (1991)",
    H: godunovH,
  },
};

export function getHamiltonian(name: string): HamiltonianInfo {
  return lookup(HAMILTONIANS, name, "scheme");
}
