/**
 * docs/theory.md §C8 — a ReLU kink, f(s) = (relu(s) − y)², the loss along the normal s of a ReLU hyperplane.
 * y > 0: concave kink (slopes 0 | −2y) ⇒ a Riemann shock at t = 0⁺ (t* = 0);
 * y < 0: convex kink ⇒ a rarefaction fan p = x/t on 0 < x < −2yt (between the slopes 0 and −2y).
 * Exact Hopf–Lax: u = min over the two branches,
 *   left  (s ≤ 0): f = y²,        minimiser min(x, 0),  value y² + max(x, 0)²/(2t);
 *   right (s ≥ 0): f = (s − y)²,  minimiser max(0, (x + 2ty)/(1 + 2t)), value (x − y)²/(1 + 2t)
 *                  when that minimiser is interior, else y² + x²/(2t).
 * For y > 0 the shock sits at x_s = y(1 − √(1 + 2t)) with p_L = 0, p_R = −2y/√(1 + 2t); its speed
 * dx_s/dt = −y/√(1 + 2t) = (p_L + p_R)/2 (Rankine–Hugoniot).
 */
import type { HopfLaxPoint } from "./doubleWell.ts";

export function reluKink(s: number, y: number): number {
  const r = Math.max(s, 0) - y;
  return r * r;
}

export function reluKinkHopfLax(x: number, t: number, y: number): HopfLaxPoint {
  const sL = Math.min(x, 0);
  const uLeft = y * y + ((x - sL) * (x - sL)) / (2 * t);
  const sR = Math.max(0, (x + 2 * t * y) / (1 + 2 * t));
  const uRight = (sR - y) * (sR - y) + ((x - sR) * (x - sR)) / (2 * t);
  const s = uLeft <= uRight ? sL : sR;
  return { u: Math.min(uLeft, uRight), y: s, p: (x - s) / t };
}

/** The shock of the concave kink (y > 0) at time t: position and the two states. */
export function reluKinkShock(t: number, y: number): { x: number; left: number; right: number; speed: number } {
  const r = Math.sqrt(1 + 2 * t);
  return { x: y * (1 - r), left: 0, right: (-2 * y) / r, speed: -y / r };
}
