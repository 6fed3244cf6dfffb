/**
 * Test problems with exactly known local entropy for the calibration of the estimators' error
 * bars (docs/local-entropy.md §calibration). Each fixes the dimension n, the curvature, and the
 * regime number β·t·|∇f(x)|² (the squared distance, in kernel standard deviations √(t/β), that the
 * Gibbs kernel's mass lies away from x):
 *
 *   - "quadratic": f = ½yᵀAy + bᵀy, A = Q diag(λ) Qᵀ with tλ spread over [−0.6, 2] (indefinite,
 *     I + tA ≻ 0), truth by the closed form docs/theory.md §C1;
 *   - "quartic": f(y) = Σᵢ gᵢ((Qᵀy)ᵢ), gᵢ(s) = aᵢs²/2 + cs⁴/4 + bᵢs, rotated by a random orthogonal
 *     Q. The isotropic kernel commutes with rotations and factorises over coordinates, so
 *     u(x) = Σᵢ u_{gᵢ}(sᵢ), ∇u = Q(∂u_{gᵢ}(sᵢ)), s = Qᵀx, each by 1-D quadrature to ~1e-12;
 *   - "minor-mode": coordinate 0 carries a tilted double well whose Gibbs kernel has a second mode
 *     with ≈ 2.5% of the mass behind a barrier of ≈ 4.5 nats (8 from the main mode); the other
 *     coordinates are quadratic (docs/theory.md §C1 per coordinate).
 */
import { type Key, foldIn, normalArray } from "../core/random.ts";
import { orthonormalize } from "../linalg/vector.ts";
import { quadraticSolution } from "../pde/exact/quadratic.ts";
import { quadraticObjective } from "./objective.ts";
import { quadratureEstimate } from "./quadrature.ts";
import type { Objective } from "./types.ts";

export type Family = "quadratic" | "quartic" | "minor-mode";
export const FAMILIES: readonly Family[] = ["quadratic", "quartic", "minor-mode"];

export interface CalibrationProblem {
  family: Family;
  dim: number;
  /** β·t·|∇f(x)|² actually realised. */
  betaTGradSq: number;
  objective: Objective;
  x: Float64Array;
  t: number;
  beta: number;
  /** Exact u(x, t) and ∇u(x, t). */
  u: number;
  grad: Float64Array;
}

/** A random orthogonal n×n matrix (rows of the Gram–Schmidt of a Gaussian matrix). */
function rotation(k: Key, n: number): Float64Array[] {
  for (let attempt = 0; ; attempt++) {
    const Q = orthonormalize(Array.from({ length: n }, (_, i) => normalArray(foldIn(k, 1000 * attempt + i), n)));
    if (Q) return Q;
  }
}

/** A problem of `family` in n dimensions at the regime number g2 = β·t·|∇f(x)|², seeded by `k`. */
export function calibrationProblem(family: Family, n: number, g2: number, k: Key): CalibrationProblem {
  const t = 0.5;
  const beta = 20;
  if (family === "quadratic") return quadraticProblem(n, g2, t, beta, k);
  if (family === "quartic") return quarticProblem(n, g2, t, beta, k);
  return minorModeProblem(n, g2, k);
}

function quadraticProblem(n: number, g2: number, t: number, beta: number, k: Key): CalibrationProblem {
  const Q = rotation(foldIn(k, 1), n);
  const lam = Array.from({ length: n }, (_, i) => (n === 1 ? 1 : -0.6 + (2.6 * i) / (n - 1)) / t);
  const A = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => lam.reduce((s, l, m) => s + l * Q[m][i] * Q[m][j], 0)),
  );
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i][j] = A[j][i];
  const x = normalArray(foldIn(k, 2), n).map((v) => 0.3 * v);
  const d = unit(normalArray(foldIn(k, 3), n));
  const gNorm = Math.sqrt(g2 / (beta * t));
  // b = −Ax + |∇f|·d makes ∇f(x) = Ax + b = |∇f|·d
  const b = Array.from({ length: n }, (_, i) => -A[i].reduce((s, a, j) => s + a * x[j], 0) + gNorm * d[i]);
  const exact = quadraticSolution(A, b, 0);
  return {
    family: "quadratic",
    dim: n,
    betaTGradSq: g2,
    objective: quadraticObjective(A, b, 0),
    x,
    t,
    beta,
    u: exact.u([...x], t, beta),
    grad: Float64Array.from(exact.p([...x], t)),
  };
}

/** A separable objective Σ gᵢ((Qᵀy)ᵢ) with exact u, ∇u from 1-D quadrature of each gᵢ. */
function separable(
  family: Family,
  gs: { value: (s: number) => number; deriv: (s: number) => number }[],
  Q: Float64Array[],
  x: Float64Array,
  t: number,
  beta: number,
): CalibrationProblem {
  const n = gs.length;
  const proj = (y: Float64Array) => Q.map((q) => q.reduce((a, v, j) => a + v * y[j], 0));
  const back = (c: ArrayLike<number>) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j] += c[i] * Q[i][j];
    return out;
  };
  const objective: Objective = {
    dim: n,
    value: (y) => proj(y).reduce((a, s, i) => a + gs[i].value(s), 0),
    valueAndGrad: (y) => {
      const s = proj(y);
      return { value: s.reduce((a, v, i) => a + gs[i].value(v), 0), grad: back(s.map((v, i) => gs[i].deriv(v))) };
    },
    hvp: (y, v) => {
      // ∇²f v = Q diag(gᵢ''(sᵢ)) Qᵀv with gᵢ'' by a central difference of gᵢ' (h = 1e-5; the O(h²) error only shapes a proposal)
      const s = proj(y);
      const w = proj(v);
      return back(s.map((si, i) => ((gs[i].deriv(si + 1e-5) - gs[i].deriv(si - 1e-5)) / 2e-5) * w[i]));
    },
  };
  const s0 = proj(x);
  let u = 0;
  const p = new Float64Array(n);
  s0.forEach((si, i) => {
    const r = quadratureEstimate({ dim: 1, value: (z) => gs[i].value(z[0]) }, Float64Array.of(si), {
      t,
      beta,
      stderr: 1e-13,
    });
    u += r.u as number;
    p[i] = r.grad[0];
  });
  const g = objective.valueAndGrad!(x).grad;
  return {
    family,
    dim: n,
    betaTGradSq: beta * t * g.reduce((a, v) => a + v * v, 0),
    objective,
    x,
    t,
    beta,
    u,
    grad: back(p),
  };
}

function quarticProblem(n: number, g2: number, t: number, beta: number, k: Key): CalibrationProblem {
  const Q = rotation(foldIn(k, 1), n);
  // quartic strength: c s⁴/4 is ≈ 0.2 nats at one kernel standard deviation, so the Gibbs kernel is visibly non-Gaussian
  const c = (0.8 * beta) / (t * t);
  const d = unit(normalArray(foldIn(k, 3), n));
  const gNorm = Math.sqrt(g2 / (beta * t));
  const gs = Array.from({ length: n }, (_, i) => {
    const a = (n === 1 ? 0.5 : -0.5 + (2 * i) / (n - 1)) / t;
    const b = gNorm * d[i]; // gᵢ'(0) = bᵢ: x = 0, so ∇f(x) = Q b and |∇f(x)| = gNorm
    return {
      value: (s: number) => (a * s * s) / 2 + (c * s ** 4) / 4 + b * s,
      deriv: (s: number) => a * s + c * s ** 3 + b,
    };
  });
  return separable("quartic", gs, Q, new Float64Array(n), t, beta);
}

/**
 * Coordinate 0: g(s) = 1.5(s² − 1)² + 0.1s at s₀ = −0.6 with t = 2, β = 5 (σ = 0.63): the Gibbs
 * kernel has modes at s ≈ −0.99 (97.5%) and s ≈ 0.92 (2.5%), barrier 4.5 nats from the minor
 * mode, 8.3 from the main one. The other coordinates: gᵢ(s) = (1 + i)s²/2 + bᵢs, with the bᵢ
 * setting β·t·|∇f(x)|² to g2 (when g2 exceeds the well's own contribution).
 */
function minorModeProblem(n: number, g2: number, k: Key): CalibrationProblem {
  const t = 2;
  const beta = 5;
  const well = {
    value: (s: number) => 1.5 * (s * s - 1) ** 2 + 0.1 * s,
    deriv: (s: number) => 6 * s * (s * s - 1) + 0.1,
  };
  const x0 = -0.6;
  const own = beta * t * well.deriv(x0) ** 2;
  const rest = Math.max(0, g2 - own) / (beta * t);
  const d = n > 1 ? unit(normalArray(foldIn(k, 3), n - 1)) : new Float64Array(0);
  const gs = [well];
  for (let i = 1; i < n; i++) {
    const a = 1 + i / n;
    const b = Math.sqrt(rest) * d[i - 1];
    gs.push({ value: (s: number) => (a * s * s) / 2 + b * s, deriv: (s: number) => a * s + b });
  }
  const Q = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const x = new Float64Array(n);
  x[0] = x0;
  return separable("minor-mode", gs, Q, x, t, beta);
}

function unit(v: Float64Array): Float64Array {
  const nv = Math.hypot(...v);
  return v.map((a) => a / nv);
}
