/**
 * docs/theory.md §C1 — quadratic data f(y) = ½yᵀAy + bᵀy + c in n-D, valid while I + tA ≻ 0:
 *   A_t = A(I + tA)⁻¹,  b_t = (I + tA)⁻¹b,  c_t = c − (t/2) bᵀ(I + tA)⁻¹b,
 *   u_inviscid = ½xᵀA_t x + b_tᵀx + c_t,
 *   u_viscous  = u_inviscid + (1/2β) log det(I + tA)      (Laplace is exact for quadratics),
 *   p = ∇u = A_t x + b_t (β-independent, Δp = 0),  t* = −1/λ_min(A) (∞ if A ⪰ 0).
 */
import { InputError } from "../../errors.ts";
import { det, dot, identity, lambdaMin, matVec, solve, type Matrix } from "../linalg.ts";

export interface QuadraticSolution {
  /** u(x, t); β = ∞ gives the inviscid (Hopf–Lax) value. */
  u(x: readonly number[], t: number, beta?: number): number;
  p(x: readonly number[], t: number): number[];
  tStar: number;
}

export function quadraticSolution(A: Matrix, b: readonly number[], c = 0): QuadraticSolution {
  const n = A.length;
  const lmin = lambdaMin(A);
  const tStar = lmin < 0 ? -1 / lmin : Infinity;
  const M = (t: number): Matrix => {
    if (!(t < tStar))
      throw new InputError(`t: the quadratic closed form needs t < t* = ${tStar}, got ${t}`, { field: "t" });
    const I = identity(n);
    return I.map((row, i) => row.map((v, j) => v + t * A[i][j]));
  };
  const p = (x: readonly number[], t: number): number[] => {
    // p = A(I+tA)⁻¹x + (I+tA)⁻¹b = (I+tA)⁻¹(Ax + b) since A and (I+tA)⁻¹ commute
    const Ax = matVec(A, x);
    return solve(
      M(t),
      Ax.map((v, i) => v + b[i]),
    );
  };
  const u = (x: readonly number[], t: number, beta = Infinity): number => {
    const Mt = M(t);
    const Ax = matVec(A, x);
    const AtX = solve(Mt, Ax); // A_t x
    const bt = solve(Mt, b as number[]);
    let val = 0.5 * dot(x, AtX) + dot(bt, x) + c - 0.5 * t * dot(b, bt);
    if (Number.isFinite(beta)) val += Math.log(det(Mt)) / (2 * beta);
    return val;
  };
  return { u, p, tStar };
}
