/**
 * Modes of the Gibbs kernel ρ_x(y) ∝ exp(−βU(y)): local minimisers of
 *
 *   U(y) = f(y) + |y − x|²/(2t),   ∇U = ∇f(y) + (y − x)/t,   ∇²U = ∇²f(y) + I/t
 *
 * (docs/local-entropy.md §modes). For t < t* = 1/sup(−λ_min ∇²f) U is strictly convex and has one
 * mode, the proximal point prox_{tf}(x) of the Hopf–Lax formula; beyond t* there may be several.
 *
 *   - dense Newton (small n, needs HVPs): H = ∇²U from n HVPs; a Cholesky step when H ≻ 0, else a
 *     saddle-free step with |eigenvalues| (and the search records that it saw negative curvature);
 *   - L-BFGS (any n, gradients only), memory 10, H₀ = t·I (the exact inverse Hessian of the
 *     kernel's quadratic), rescaled by sᵀy/yᵀy.
 * Both use Armijo backtracking on U and stop when an accepted step is below 10⁻⁶ kernel standard
 * deviations (β|Δy|²/t < 1e-12) or no step decreases U any more.
 */
import { symEig, choleskySolve } from "../linalg/dense.ts";
import { dot } from "../linalg/vector.ts";
import { cholesky, denseHessian } from "./gaussian.ts";
import type { Objective } from "./types.ts";

export interface ModeResult {
  y: Float64Array;
  /** U(y) and f(y). */
  U: number;
  f: number;
  iterations: number;
  converged: boolean;
  /** ∇²U had a non-positive eigenvalue at some iterate (U is not convex there). */
  nonconvex: boolean;
}

export interface ModeSettings {
  x: Float64Array;
  t: number;
  beta: number;
  dense: boolean;
  maxIterations?: number;
}

interface Potential {
  U(y: Float64Array): number;
  valueAndGrad(y: Float64Array): { U: number; f: number; g: Float64Array };
}

function potential(obj: Objective, x: Float64Array, t: number): Potential {
  const half = (y: Float64Array) => {
    let q = 0;
    for (let i = 0; i < y.length; i++) q += (y[i] - x[i]) ** 2;
    return q / (2 * t);
  };
  return {
    U: (y) => obj.value(y) + half(y),
    valueAndGrad: (y) => {
      const r = obj.valueAndGrad!(y);
      const g = Float64Array.from(r.grad, (v, i) => v + (y[i] - x[i]) / t);
      return { U: r.value + half(y), f: r.value, g };
    },
  };
}

/** Descends U from `start` to a local minimiser. */
export function findMode(obj: Objective, start: Float64Array, s: ModeSettings): ModeResult {
  const pot = potential(obj, s.x, s.t);
  const tol = (1e-12 * s.t) / s.beta; // |Δy|² below 1e-12 kernel variances
  const maxIt = s.maxIterations ?? (s.dense ? 100 : 2000);
  let y = Float64Array.from(start);
  let cur = pot.valueAndGrad(y);
  if (!Number.isFinite(cur.U)) throw new Error(`mode search: the loss is ${cur.f} at a start point`);
  let nonconvex = false;
  const mem: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  let converged = false;
  let it = 0;
  for (; it < maxIt; it++) {
    let d: Float64Array;
    if (s.dense) {
      const step = newtonDirection(obj, y, cur.g, s.t);
      nonconvex ||= step.nonconvex;
      d = step.d;
    } else d = lbfgsDirection(cur.g, mem, s.t);
    let slope = dot(cur.g, d);
    if (!(slope < 0)) {
      d = cur.g.map((v) => -s.t * v); // not a descent direction: fall back to the kernel-scaled gradient
      slope = dot(cur.g, d);
      mem.length = 0;
    }
    if (slope === 0) {
      converged = true;
      break;
    }
    let a = 1;
    let next: { U: number; f: number; g: Float64Array } | null = null;
    let yNew = y;
    for (let ls = 0; ls < 60; ls++) {
      yNew = Float64Array.from(y, (v, i) => v + a * d[i]);
      const U = pot.U(yNew);
      if (U <= cur.U + 1e-4 * a * slope) {
        next = pot.valueAndGrad(yNew);
        break;
      }
      a *= 0.5;
    }
    const stepSq = a * a * dot(d, d);
    if (!next) {
      converged = stepSq <= tol * 1e4;
      break;
    }
    if (!s.dense) {
      const sv = Float64Array.from(yNew, (v, i) => v - y[i]);
      const yv = Float64Array.from(next.g, (v, i) => v - cur.g[i]);
      const sy = dot(sv, yv);
      if (sy > 1e-14 * Math.sqrt(dot(sv, sv) * dot(yv, yv))) {
        mem.push({ s: sv, y: yv, rho: 1 / sy });
        if (mem.length > 10) mem.shift();
      }
    }
    y = yNew;
    cur = next;
    if (stepSq <= tol) {
      converged = true;
      it++;
      break;
    }
  }
  return { y, U: cur.U, f: cur.f, iterations: it, converged, nonconvex };
}

/** Newton direction −H⁻¹∇U with H = ∇²f + I/t (saddle-free |H| when H is not positive definite). */
function newtonDirection(
  obj: Objective,
  y: Float64Array,
  g: Float64Array,
  t: number,
): { d: Float64Array; nonconvex: boolean } {
  const n = y.length;
  const H = denseHessian(obj, y);
  for (let i = 0; i < n; i++) H[i * n + i] += 1 / t;
  const L = cholesky(H, n);
  if (L) return { d: choleskySolve(L, n, g).map((v) => -v), nonconvex: false };
  const { values, vectors } = symEig(H, n);
  const d = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let c = 0;
    for (let i = 0; i < n; i++) c += vectors[i * n + j] * g[i];
    c /= Math.max(Math.abs(values[j]), 1e-3 / t);
    for (let i = 0; i < n; i++) d[i] -= c * vectors[i * n + j];
  }
  return { d, nonconvex: true };
}

/** L-BFGS two-loop recursion: −H_k ∇U. */
function lbfgsDirection(g: Float64Array, mem: { s: Float64Array; y: Float64Array; rho: number }[], t: number) {
  const q = Float64Array.from(g);
  const alpha = new Float64Array(mem.length);
  for (let i = mem.length - 1; i >= 0; i--) {
    alpha[i] = mem[i].rho * dot(mem[i].s, q);
    for (let j = 0; j < q.length; j++) q[j] -= alpha[i] * mem[i].y[j];
  }
  const last = mem[mem.length - 1];
  const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : t;
  for (let j = 0; j < q.length; j++) q[j] *= gamma;
  for (let i = 0; i < mem.length; i++) {
    const b = mem[i].rho * dot(mem[i].y, q);
    for (let j = 0; j < q.length; j++) q[j] += (alpha[i] - b) * mem[i].s[j];
  }
  return q.map((v) => -v);
}
