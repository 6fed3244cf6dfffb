/**
 * docs/theory.md §C9 — Laplace asymptotics of the viscous solution for smooth f and t < t*:
 *   u_β(x, t) = u_HL(x, t) + (1/2β) log det(I + t∇²f(y*)) + O(β⁻²),
 * y* the Hopf–Lax minimiser. (For quadratics the correction is exact.)
 */
import { det, identity, type Matrix } from "../linalg.ts";

/** 1-D correction (1/2β) log(1 + t f''(y*)). */
export function laplaceCorrection1d(fpp: number, t: number, beta: number): number {
  return Math.log1p(t * fpp) / (2 * beta);
}

/** n-D correction (1/2β) log det(I + tH), H = ∇²f(y*). */
export function laplaceCorrection(H: Matrix, t: number, beta: number): number {
  const M = identity(H.length).map((row, i) => row.map((v, j) => v + t * H[i][j]));
  return Math.log(det(M)) / (2 * beta);
}
