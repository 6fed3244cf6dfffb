/**
 * docs/theory.md §C2/C3 — the (tilted) double well f(y) = (y² − 1)²/4 + εy, a loss with two minima.
 *   f'' = 3y² − 1 ≥ −1 with equality at y = 0  ⇒  t* = 1, born at x₀ = 0 + t*·f'(0) = ε.
 *   For t > 1 (ε = 0): a stationary shock at x = 0 between the minimisers ±√(1 − 1/t),
 *   jump p_L − p_R = 2√(1 − 1/t)/t. With ε ≠ 0 the shock sits at x_s = εt (Galilean invariance).
 * Exact Hopf–Lax: the minimiser of g(y) = f(y) + (x − y)²/(2t) is a real root of
 *   g'(y) = y³ + (1/t − 1) y + (ε − x/t) = 0,
 * found in closed form (Cardano / trigonometric) and polished by Newton; the smallest g wins
 * (ties go to the left root).
 */
export function doubleWell(y: number, eps = 0): number {
  const q = y * y - 1;
  return 0.25 * q * q + eps * y;
}
export function doubleWellGrad(y: number, eps = 0): number {
  return y * y * y - y + eps;
}
export function doubleWellHess(y: number): number {
  return 3 * y * y - 1;
}

export const DOUBLE_WELL_T_STAR = 1;

/** Jump p_L − p_R of the symmetric double well's shock at time t ≥ 1. */
export function doubleWellJump(t: number): number {
  return t <= 1 ? 0 : (2 * Math.sqrt(1 - 1 / t)) / t;
}

/** Position of the (tilted) double well's shock, x_s = εt for t ≥ 1. */
export function doubleWellShockPosition(t: number, eps = 0): number {
  return eps * t;
}

/** Real roots of y³ + Py + Q = 0, ascending. */
export function depressedCubicRoots(P: number, Q: number): number[] {
  const D = (Q / 2) ** 2 + (P / 3) ** 3;
  let roots: number[];
  if (P === 0) roots = [Math.cbrt(-Q)];
  else if (D > 0) {
    // one real root; the form A − P/(3A) avoids the cancellation of Cardano's two cube roots
    const A = -Math.sign(Q || 1) * Math.cbrt(Math.abs(Q) / 2 + Math.sqrt(D));
    roots = [A - P / (3 * A)];
  } else {
    const r = 2 * Math.sqrt(-P / 3);
    const c = Math.min(1, Math.max(-1, ((3 * Q) / (2 * P)) * Math.sqrt(-3 / P)));
    const th = Math.acos(c) / 3;
    roots = [0, 1, 2].map((k) => r * Math.cos(th - (2 * Math.PI * k) / 3));
  }
  // Newton polish: y ← y − (y³ + Py + Q)/(3y² + P)
  return roots
    .map((y) => {
      for (let k = 0; k < 3; k++) {
        const d = 3 * y * y + P;
        if (d === 0) break;
        const s = (y * y * y + P * y + Q) / d;
        if (!Number.isFinite(s)) break;
        y -= s;
      }
      return y;
    })
    .sort((a, b) => a - b);
}

export interface HopfLaxPoint {
  u: number;
  /** Minimiser y*. */
  y: number;
  /** p = (x − y*)/t. */
  p: number;
}

/** Exact inviscid solution for the (tilted) double well at (x, t), t > 0. */
export function doubleWellHopfLax(x: number, t: number, eps = 0): HopfLaxPoint {
  let best: HopfLaxPoint = { u: Infinity, y: NaN, p: NaN };
  for (const y of depressedCubicRoots(1 / t - 1, eps - x / t)) {
    const u = doubleWell(y, eps) + ((x - y) * (x - y)) / (2 * t);
    if (u < best.u) best = { u, y, p: (x - y) / t };
  }
  return best;
}
