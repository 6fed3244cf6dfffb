/**
 * Uniform finite-volume grids and ghost cells (docs/pde.md §conventions): N cells on [a, b],
 * Δx = (b − a)/N, centres xᵢ = a + (i + ½)Δx. Burgers states are cell averages, HJ states are
 * centre values; both live in a padded array with `g` ghost cells on each side, interior at
 * indices g … g+N−1.
 */
import { InputError } from "../errors.ts";
import { integer, oneOf } from "../validate.ts";

/** "periodic": wrap around; "outflow": zero-gradient copy of the edge cell (transmissive). */
export type BoundaryCondition = "periodic" | "outflow";
/** Ghost rules: the two user-facing ones plus "linear" (u extrapolated linearly, used by HJ outflow). */
export type GhostRule = BoundaryCondition | "linear";

export interface Grid1D {
  readonly a: number;
  readonly b: number;
  readonly n: number;
  readonly dx: number;
  /** Cell centres xᵢ = a + (i + ½)Δx. */
  readonly x: Float64Array;
}

/** At most this many cells: the solvers keep a few float64 arrays per cell, well inside memory. */
export const MAX_CELLS = 1e7;

export function makeGrid(a: number, b: number, n: number): Grid1D {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !(a < b)) {
    throw new InputError(`domain: expected finite a < b, got ${a},${b}`, { field: "domain" });
  }
  integer(n, "cells", 1, MAX_CELLS);
  const dx = (b - a) / n;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = a + (i + 0.5) * dx;
  return { a, b, n, dx, x };
}

/** Cell interfaces x_{i−½} = a + iΔx, i = 0 … N. */
export function interfaces(grid: Grid1D): Float64Array {
  const xf = new Float64Array(grid.n + 1);
  for (let i = 0; i <= grid.n; i++) xf[i] = grid.a + i * grid.dx;
  return xf;
}

export function checkBoundary(bc: string): BoundaryCondition {
  return oneOf(bc, "bc", ["periodic", "outflow"] as const);
}

/**
 * Fills the g ghost cells on both sides of `ug` (length n + 2g) from its interior.
 * periodic: u₋ₖ = u_{n−k}; outflow: u₋ₖ = u₀; linear: u₋ₖ = u₀ − k(u₁ − u₀) (needs n ≥ 2).
 * Periodic wrap needs n ≥ g; smaller grids wrap repeatedly via the modulo.
 */
export function fillGhosts(ug: Float64Array, n: number, g: number, rule: GhostRule): void {
  if (rule === "periodic") {
    for (let k = 1; k <= g; k++) {
      ug[g - k] = ug[g + ((((n - k) % n) + n) % n)];
      ug[g + n - 1 + k] = ug[g + ((k - 1) % n)];
    }
  } else if (rule === "outflow" || n < 2) {
    for (let k = 1; k <= g; k++) {
      ug[g - k] = ug[g];
      ug[g + n - 1 + k] = ug[g + n - 1];
    }
  } else {
    const sl = ug[g + 1] - ug[g];
    const sr = ug[g + n - 1] - ug[g + n - 2];
    for (let k = 1; k <= g; k++) {
      ug[g - k] = ug[g] - k * sl;
      ug[g + n - 1 + k] = ug[g + n - 1] + k * sr;
    }
  }
}

/** Copies `u` (length n) into the interior of `ug` (length n + 2g) and fills the ghosts. */
export function pad(u: ArrayLike<number>, ug: Float64Array, g: number, rule: GhostRule): void {
  const n = u.length;
  for (let i = 0; i < n; i++) ug[g + i] = u[i];
  fillGhosts(ug, n, g, rule);
}

/** Δx Σ uᵢ — the discrete mass (conserved to round-off by conservative schemes on periodic grids). */
export function mass(u: ArrayLike<number>, dx: number): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i];
  return dx * s;
}

/** Total variation Σ|u_{i+1} − uᵢ| (periodic: including the wrap-around pair). */
export function totalVariation(u: ArrayLike<number>, periodic = false): number {
  let tv = 0;
  for (let i = 0; i + 1 < u.length; i++) tv += Math.abs(u[i + 1] - u[i]);
  if (periodic && u.length > 1) tv += Math.abs(u[0] - u[u.length - 1]);
  return tv;
}

export function maxAbs(u: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < u.length; i++) {
    const a = Math.abs(u[i]);
    if (a > m || Number.isNaN(a)) m = a;
    if (Number.isNaN(m)) return NaN;
  }
  return m;
}
