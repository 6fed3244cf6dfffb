/**
 * Control fields with known answers, for calibrating the tests (docs/gradient-field.md §calibration):
 *
 * - a noisy gradient field F = −∇ϕ + κ(−v₂, v₁) + σξ with ϕ(v) = v₂ sin v₁ + v₂²/2: a gradient for
 *   κ = 0 and a planted curl of size curl F = 2κ otherwise (exact circulation around a trapezoid
 *   circle: κ r² K sin(2π/K));
 * - SGLD (the library's optimizer) on a quadratic ½θᵀAθ in the plane: drift −Aθ, isotropic noise,
 *   optionally pushed by a rotation ωJθ (J = [[0, −1], [1, 0]]) added to the gradient. Its
 *   trajectory is the AR(1) chain θ' = Cθ + √(2η/β)ξ with C = I − η(A + ωJ); for A = aI it is
 *   reversible iff ω = 0, and its stationary area per step is exactly −ηωs², s² = (2η/β)/(1 − ρ²),
 *   ρ² = (1 − ηa)² + η²ω².
 */
import { Tensor } from "../core/tensor.ts";
import { type Key, foldIn, normalArray } from "../core/random.ts";
import { sgld } from "../optim/sgld.ts";
import type { Tree } from "../core/tree.ts";
import { simpleField, type DriftField } from "./types.ts";

function gradPhi(v: ArrayLike<number>): [number, number] {
  return [Math.cos(v[0]) * v[1], Math.sin(v[0]) + v[1]];
}

/** −∇ϕ + κ(−v₂, v₁) + σξ, ξ ~ N(0, I) from the stream (Euclidean metric on the chart). */
export function noisyGradientField(o: { curl?: number; noise: number }): DriftField {
  const kappa = o.curl ?? 0;
  const mean = (v: Float64Array) => {
    const [g0, g1] = gradPhi(v);
    return Float64Array.of(-g0 - kappa * v[1], -g1 + kappa * v[0]);
  };
  return simpleField(
    { name: "euclidean", metric: "Euclidean on the chart" },
    (v, stream) => {
      const m = mean(v);
      const z = normalArray(stream, 2);
      return Float64Array.of(m[0] + o.noise * z[0], m[1] + o.noise * z[1]);
    },
    mean,
  );
}

/** The trapezoid circulation of κ(−v₂, v₁) around a K-point circle of radius r. */
export function plantedCirculation(kappa: number, r: number, K: number): number {
  return kappa * r * r * K * Math.sin((2 * Math.PI) / K);
}

/** θ ↦ (A + ωJ)θ for A = [[a11, a12], [a12, a22]]. */
function force(A: readonly number[], omega: number, th: ArrayLike<number>): Float64Array {
  return Float64Array.of(A[0] * th[0] + A[1] * th[1] - omega * th[1], A[1] * th[0] + A[2] * th[1] + omega * th[0]);
}

/** One SGLD step of the library's optimizer with gradient (A + ωJ)θ; returns θ'. */
function sgldStep(theta: Float64Array, A: readonly number[], omega: number, eta: number, beta: number, k: Key) {
  const opt = sgld({ beta });
  const params: Tree = { theta: new Tensor(theta, [2]) };
  const grads: Tree = { theta: new Tensor(force(A, omega, theta), [2]) };
  const r = opt.step(params, grads, opt.init(params), { lr: eta, key: k });
  return (r.params as { theta: Tensor }).theta.data;
}

/**
 * The SGLD drift field (θ' − θ)/η on the plane for the quadratic with Hessian A = [a11, a12, a22]
 * (and the planted rotation ω): mean −(A + ωJ)θ, isotropic noise √(2/(ηβ))ξ.
 */
export function sgldQuadraticField(o: { A: readonly number[]; omega?: number; eta: number; beta: number }): DriftField {
  const omega = o.omega ?? 0;
  return simpleField(
    { name: "euclidean", metric: "Euclidean on θ (isotropic noise)" },
    (th, stream) => sgldStep(th, o.A, omega, o.eta, o.beta, stream).map((v, i) => (v - th[i]) / o.eta),
    (th) => force(o.A, omega, th).map((v) => -v),
  );
}

/** A stationary SGLD trajectory (after `burnIn` steps from 0) for the area test. */
export function sgldQuadraticTrajectory(o: {
  a: number;
  omega?: number;
  eta: number;
  beta: number;
  steps: number;
  burnIn?: number;
  key: Key;
}): { x: Float64Array; y: Float64Array } {
  const A = [o.a, 0, o.a];
  let th = new Float64Array(2);
  const burn = o.burnIn ?? Math.ceil(10 / (o.eta * o.a));
  const x = new Float64Array(o.steps),
    y = new Float64Array(o.steps);
  for (let k = 0; k < burn + o.steps; k++) {
    th = Float64Array.from(sgldStep(th, A, o.omega ?? 0, o.eta, o.beta, foldIn(o.key, k)));
    if (k >= burn) {
      x[k - burn] = th[0];
      y[k - burn] = th[1];
    }
  }
  return { x, y };
}

/** The exact stationary area per step of `sgldQuadraticTrajectory` (A = aI). */
export function sgldAreaRate(o: { a: number; omega: number; eta: number; beta: number }): number {
  const sigma2 = (2 * o.eta) / o.beta;
  const rho2 = (1 - o.eta * o.a) ** 2 + (o.eta * o.omega) ** 2;
  return (-o.eta * o.omega * sigma2) / (1 - rho2);
}
