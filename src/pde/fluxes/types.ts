/**
 * The one signature shared by every numerical flux for the scalar Burgers flux f(u) = u²/2
 * (Clawpack style: one flux or Riemann solver per file, each with the same call shape and metadata).
 *
 *   F(uL, uR) ≈ f(u(x_{i+½}, t)), consistent (F(u, u) = f(u)) and monotone (↑ in uL, ↓ in uR).
 */
export type NumericalFlux = (uL: number, uR: number) => number;

export interface FluxInfo {
  /** Name used on the CLI and in the registry. */
  readonly name: string;
  /** Formal order of accuracy with piecewise-constant states. */
  readonly order: number;
  /** Where the formula comes from. */
  readonly reference: string;
  readonly flux: NumericalFlux;
}

/** The physical Burgers flux f(u) = u²/2. */
export function burgersFlux(u: number): number {
  return 0.5 * u * u;
}
