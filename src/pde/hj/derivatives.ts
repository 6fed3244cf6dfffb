/**
 * One-sided derivatives of centre values for HJ schemes, from a padded array (interior at g…g+n−1):
 *   first order: p⁻ᵢ = (uᵢ − u_{i−1})/Δx,  p⁺ᵢ = (u_{i+1} − uᵢ)/Δx;
 *   ENO2 (Osher & Shu 1991): with Dᵢ = (u_{i+1} − 2uᵢ + u_{i−1})/Δx² and m(a, b) the argument of
 *   smaller magnitude,
 *     p⁻ᵢ = (uᵢ − u_{i−1})/Δx + (Δx/2) m(D_{i−1}, Dᵢ),   p⁺ᵢ = (u_{i+1} − uᵢ)/Δx − (Δx/2) m(Dᵢ, D_{i+1}).
 * (Both exact for quadratics; ENO picks the smoother stencil so kinks stay sharp.)
 */
export type DerivativeKind = "first" | "eno2";

export const DERIVATIVE_GHOST: Readonly<Record<DerivativeKind, number>> = { first: 1, eno2: 2 };

function enoMin(a: number, b: number): number {
  return Math.abs(a) <= Math.abs(b) ? a : b;
}

/**
 * Writes p⁻, p⁺ of the n interior points of a padded line `ug` (length n + 2g,
 * g = DERIVATIVE_GHOST[kind], ghosts filled); returns max(|p⁻|, |p⁺|).
 */
export function oneSided(
  kind: DerivativeKind,
  ug: Float64Array,
  n: number,
  dx: number,
  pm: Float64Array,
  pp: Float64Array,
): number {
  const g = DERIVATIVE_GHOST[kind];
  const inv = 1 / dx;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const c = g + i;
    let m = (ug[c] - ug[c - 1]) * inv;
    let p = (ug[c + 1] - ug[c]) * inv;
    if (kind === "eno2") {
      const dm = (ug[c] - 2 * ug[c - 1] + ug[c - 2]) * inv;
      const d0 = (ug[c + 1] - 2 * ug[c] + ug[c - 1]) * inv;
      const dp = (ug[c + 2] - 2 * ug[c + 1] + ug[c]) * inv;
      // (Δx/2)·D = (Δx/2)·(second difference)/Δx² = ½ (second difference)/Δx
      m += 0.5 * enoMin(dm, d0);
      p -= 0.5 * enoMin(d0, dp);
    }
    pm[i] = m;
    pp[i] = p;
    const a = Math.max(Math.abs(m), Math.abs(p));
    if (a > amax || Number.isNaN(a)) amax = a;
  }
  return amax;
}
