/**
 * Riemann problems (docs/theory.md §C5–C7), with the interface at x = 0 (shift x by X0 yourself).
 *
 * Burgers p_t + (p²/2)_x = 0, p(x,0) = uL (x<0), uR (x>0): a shock with speed s = (uL+uR)/2 if
 * uL > uR (Lax), otherwise the rarefaction fan p = x/t for uL t < x < uR t.
 * HJ u_t + ½u_x² = 0, u(x,0) = uL·x (x<0), uR·x (x>0): its x-derivative is that Burgers solution;
 *   shock (C5): u = min(uL x − uL²t/2, uR x − uR²t/2);
 *   fan (C6):   u = uL x − uL²t/2 (x < uL t), x²/(2t) (fan), uR x − uR²t/2 (x > uR t).
 * Viscous (C7, ν = 1/2β, any uL, uR), with σ = √(t/β):
 *   u = −β⁻¹ log[ e^{−β(uL x − uL²t/2)} Φ((uL t − x)/σ) + e^{−β(uR x − uR²t/2)} Φ((x − uR t)/σ) ],
 *   p = u_x = wL uL + wR uR with wL, wR the two terms' shares of the bracket (the Gaussian-density
 *   parts of the derivative cancel exactly: both equal e^{−βx²/2t}/σ√(2π)).
 */
import { logAddExp, logNdtr } from "../../core/special.ts";

/** Self-similar Burgers Riemann solution p(ξ = x/t; uL, uR). At a shock ξ = s it returns the upwind state. */
export function burgersRiemann(uL: number, uR: number, xi: number): number {
  if (uL > uR) {
    const s = 0.5 * (uL + uR);
    return xi < s ? uL : xi > s ? uR : s >= 0 ? uL : uR;
  }
  if (xi <= uL) return uL;
  if (xi >= uR) return uR;
  return xi;
}

export interface HjValue {
  u: number;
  p: number;
}

/** Inviscid HJ Riemann solution (C5/C6). t > 0. */
export function hjRiemann(x: number, t: number, uL: number, uR: number): HjValue {
  const left = uL * x - 0.5 * uL * uL * t;
  const right = uR * x - 0.5 * uR * uR * t;
  if (uL > uR) {
    // shock at x = st: the two linear branches cross there; take the smaller (Hopf–Lax min)
    return left <= right ? { u: left, p: uL } : { u: right, p: uR };
  }
  if (x <= uL * t) return { u: left, p: uL };
  if (x >= uR * t) return { u: right, p: uR };
  return { u: (x * x) / (2 * t), p: x / t };
}

/** Viscous HJ Riemann solution (C7) with β = 1/(2ν). t > 0, β > 0. */
export function hjRiemannViscous(x: number, t: number, uL: number, uR: number, beta: number): HjValue {
  const sigma = Math.sqrt(t / beta);
  const la = -beta * (uL * x - 0.5 * uL * uL * t) + logNdtr((uL * t - x) / sigma);
  const lb = -beta * (uR * x - 0.5 * uR * uR * t) + logNdtr((x - uR * t) / sigma);
  const lz = logAddExp(la, lb);
  const wL = Math.exp(la - lz);
  const wR = Math.exp(lb - lz);
  return { u: -lz / beta, p: wL * uL + wR * uR };
}
