/**
 * Interface-state reconstructions for Godunov-type schemes. From a padded array `ug` (interior at
 * indices ghost … ghost+n−1) they write the left/right states at x_{j−½}, j = 0 … n:
 * uL[j] from cell j−1 (its right edge) and uR[j] from cell j (its left edge).
 */
export interface Reconstruction {
  readonly name: string;
  readonly order: number;
  readonly reference: string;
  readonly ghost: number;
  states(ug: Float64Array, n: number, uL: Float64Array, uR: Float64Array): void;
}
