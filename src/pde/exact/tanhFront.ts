/**
 * Viscous Burgers travelling front (docs/theory.md §b.7), an exact solution of p_t + pp_x = νp_xx
 * for pL > pR:
 *   p = s − (Δ/2) tanh(Δ (x − x0 − s t)/(4ν)),   s = (pL + pR)/2,  Δ = pL − pR,
 * thickness δ = 4ν/Δ, maximum slope Δ²/(8ν).
 */
export function tanhFront(x: number, t: number, pL: number, pR: number, nu: number, x0 = 0): number {
  const s = 0.5 * (pL + pR);
  const d = pL - pR;
  return s - 0.5 * d * Math.tanh((d * (x - x0 - s * t)) / (4 * nu));
}

/** Front thickness 4ν/Δp. */
export function frontWidth(nu: number, jump: number): number {
  return (4 * nu) / jump;
}
