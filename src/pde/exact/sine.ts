/**
 * docs/theory.md §C4 — sine data f(y) = −cos y (Burgers p₀ = sin y): inviscid t* = 1 with a stationary shock at
 * x = π (mod 2π). The viscous solution (ν = 1/2β) has the Cole–Hopf Fourier series
 *   v = I₀(β) + 2Σ_{n≥1} Iₙ(β) e^{−n²νt} cos nx,   u = −β⁻¹ log v,
 *   p = (2/β) Σ n Iₙ(β) e^{−n²νt} sin nx / v,
 * evaluated with scaled Bessel functions Iₙ(β)e^{−β}. The series alternates and cancels like
 * e^{−2β} near x = π: it is only usable for β ≲ 15. For larger β use the log-sum-exp quadrature
 * (hj/coleHopf.ts), which is stable for any β.
 */
import { coleHopf1d } from "../hj/coleHopf.ts";
import { besselIScaled } from "../../core/special.ts";

export const SINE_T_STAR = 1;

export function sineSeries(x: ArrayLike<number>, t: number, beta: number): { u: Float64Array; p: Float64Array } {
  const nu = 1 / (2 * beta);
  const N = Math.ceil(beta + 12 * Math.sqrt(beta) + 60);
  const I = besselIScaled(N, beta);
  const c = new Float64Array(N + 1);
  for (let n = 0; n <= N; n++) c[n] = I[n] * Math.exp(-n * n * nu * t);
  const u = new Float64Array(x.length);
  const p = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    let v = c[0];
    let w = 0;
    for (let n = 1; n <= N; n++) {
      v += 2 * c[n] * Math.cos(n * x[i]);
      w += 2 * n * c[n] * Math.sin(n * x[i]);
    }
    // undo the e^{−β} scaling: log v_true = log v + β
    u[i] = -(Math.log(v) + beta) / beta;
    p[i] = w / (beta * v);
  }
  return { u, p };
}

/**
 * The same viscous solution by log-sum-exp Cole–Hopf quadrature, usable for any β: the y-window
 * reaches √(2t·osc f) = 2√t plus 12σ (σ = √(t/β)) beyond the points, with spacing
 * min(σ, 1/√β)/4 so both the heat kernel and e^{β cos y} are resolved.
 */
export function sineQuadrature(x: ArrayLike<number>, t: number, beta: number): { u: Float64Array; p: Float64Array } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < x.length; i++) {
    lo = Math.min(lo, x[i]);
    hi = Math.max(hi, x[i]);
  }
  const sigma = Math.sqrt(t / beta);
  const R = 2 * Math.sqrt(t) + 12 * sigma;
  const h = Math.min(sigma, 1 / Math.sqrt(beta)) / 4;
  const n = Math.ceil((hi - lo + 2 * R) / h) + 1;
  const r = coleHopf1d((y) => -Math.cos(y), x, t, beta, { y: { min: lo - R, max: hi + R, n } });
  return { u: r.u, p: r.p };
}
