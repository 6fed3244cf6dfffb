/**
 * Exact viscous solution by Cole–Hopf (docs/theory.md §a.1–a.5), ν = 1/(2β):
 *   u(x, t) = −β⁻¹ log[ (2πt/β)^{−n/2} ∫ exp(−βf(y) − β|x − y|²/(2t)) dy ],
 *   p = ∇u = (x − ⟨y⟩)/t,   ⟨·⟩ under ρ_x(y) ∝ exp(−βf(y) − β|x − y|²/(2t)),
 * by the trapezoid rule in log-sum-exp form: E_k = −βf(y_k) − β|x − y_k|²/(2t) + log w_k,
 * log∫ ≈ m + log Σ e^{E_k − m}, m = max E_k. Nothing overflows for any β (the plain sum
 * underflows for β ≳ 15 on O(1) losses). Trapezoid is spectrally accurate for smooth decaying
 * integrands (O(h²) at kinks of f). Also returns Var(y) (1-D): u_xx = 1/t − β Var(y)/t².
 */
import { linspace, logTrapezoidWeights } from "../quadrature.ts";
import { positive } from "../../validate.ts";
import type { YGrid } from "./hopfLax.ts";
import { InputError } from "../../errors.ts";

export interface ColeHopf1dResult {
  u: Float64Array;
  p: Float64Array;
  /** Gibbs mean ⟨y⟩. */
  mean: Float64Array;
  /** Gibbs variance Var(y). */
  variance: Float64Array;
}

function grid(g: YGrid, field: string): Float64Array {
  if (!(g.min < g.max) || !Number.isInteger(g.n) || g.n < 3)
    throw new InputError(`${field}: expected min < max and n >= 3`);
  return linspace(g.min, g.max, g.n);
}

export function coleHopf1d(
  f: (y: number) => number,
  x: ArrayLike<number>,
  t: number,
  beta: number,
  opts: { y: YGrid },
): ColeHopf1dResult {
  positive(t, "t");
  positive(beta, "beta");
  const ys = grid(opts.y, "y");
  const m = ys.length;
  const base = logTrapezoidWeights(m, ys[1] - ys[0]);
  for (let k = 0; k < m; k++) base[k] -= beta * f(ys[k]);
  const c = beta / (2 * t);
  const norm = 0.5 * Math.log((2 * Math.PI * t) / beta);
  const nx = x.length;
  const r: ColeHopf1dResult = {
    u: new Float64Array(nx),
    p: new Float64Array(nx),
    mean: new Float64Array(nx),
    variance: new Float64Array(nx),
  };
  const E = new Float64Array(m);
  for (let i = 0; i < nx; i++) {
    const xi = x[i];
    let mx = -Infinity;
    for (let k = 0; k < m; k++) {
      const d = xi - ys[k];
      const e = base[k] - c * d * d;
      E[k] = e;
      if (e > mx) mx = e;
    }
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < m; k++) {
      const w = Math.exp(E[k] - mx);
      // moments about x keep Var accurate when ⟨y⟩ ≈ x
      const d = ys[k] - xi;
      s0 += w;
      s1 += w * d;
      s2 += w * d * d;
    }
    const md = s1 / s0;
    r.u[i] = -(mx + Math.log(s0) - norm) / beta;
    r.mean[i] = xi + md;
    r.p[i] = -md / t;
    r.variance[i] = Math.max(0, s2 / s0 - md * md);
  }
  return r;
}

export interface ColeHopf2dResult {
  u: Float64Array;
  p1: Float64Array;
  p2: Float64Array;
}

/** 2-D version on a tensor grid of evaluation points (row-major i·n2 + j), product trapezoid rule. */
export function coleHopf2d(
  f: (y1: number, y2: number) => number,
  x1: ArrayLike<number>,
  x2: ArrayLike<number>,
  t: number,
  beta: number,
  opts: { grid: [YGrid, YGrid] },
): ColeHopf2dResult {
  positive(t, "t");
  positive(beta, "beta");
  const Y1 = grid(opts.grid[0], "grid[0]");
  const Y2 = grid(opts.grid[1], "grid[1]");
  const m1 = Y1.length;
  const m2 = Y2.length;
  const w1 = logTrapezoidWeights(m1, Y1[1] - Y1[0]);
  const w2 = logTrapezoidWeights(m2, Y2[1] - Y2[0]);
  const base = new Float64Array(m1 * m2);
  for (let a = 0; a < m1; a++) for (let b = 0; b < m2; b++) base[a * m2 + b] = w1[a] + w2[b] - beta * f(Y1[a], Y2[b]);
  const c = beta / (2 * t);
  const norm = Math.log((2 * Math.PI * t) / beta); // (n/2)·log(2πt/β) with n = 2
  const n1 = x1.length;
  const n2 = x2.length;
  const r: ColeHopf2dResult = {
    u: new Float64Array(n1 * n2),
    p1: new Float64Array(n1 * n2),
    p2: new Float64Array(n1 * n2),
  };
  const E = new Float64Array(m1 * m2);
  const q2 = new Float64Array(m2);
  for (let i = 0; i < n1; i++) {
    for (let j = 0; j < n2; j++) {
      const xa = x1[i];
      const xb = x2[j];
      for (let b = 0; b < m2; b++) q2[b] = c * (xb - Y2[b]) * (xb - Y2[b]);
      let mx = -Infinity;
      for (let a = 0; a < m1; a++) {
        const qa = c * (xa - Y1[a]) * (xa - Y1[a]);
        for (let b = 0; b < m2; b++) {
          const e = base[a * m2 + b] - qa - q2[b];
          E[a * m2 + b] = e;
          if (e > mx) mx = e;
        }
      }
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      for (let a = 0; a < m1; a++) {
        const da = Y1[a] - xa;
        for (let b = 0; b < m2; b++) {
          const w = Math.exp(E[a * m2 + b] - mx);
          s0 += w;
          s1 += w * da;
          s2 += w * (Y2[b] - xb);
        }
      }
      const idx = i * n2 + j;
      r.u[idx] = -(mx + Math.log(s0) - norm) / beta;
      r.p1[idx] = -s1 / s0 / t;
      r.p2[idx] = -s2 / s0 / t;
    }
  }
  return r;
}
