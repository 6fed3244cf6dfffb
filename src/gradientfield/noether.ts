/**
 * Drift of the Noether charges along a run (docs/gradient-field.md §noether): gradient flow
 * conserves the quadratic charges Q (c_j = ‖in_j‖² − ‖out_j‖² per rescaled unit, W_QᵀW_Q − W_KᵀW_K
 * per head, …), so their drift measures the departure from gradient flow independently of any
 * chart. For an update d at θ, exactly (Q quadratic, symmetric bilinear form B):
 *
 *   Q(θ + d) − Q(θ) = 2B(θ, d) + Q(d),
 *
 * where 2B(θ, d) = ⟨∇Q, d⟩ is the update's vertical (first-order) part — zero for SGD, whose
 * gradient is horizontal — and Q(d) the second-order part (= η²Q(g) for SGD). Summed over a run of
 * fixed length ηT, SGD's drift scales like η; an optimizer with a vertical component (Adam, weight
 * decay) drifts at O(1).
 */
import type { Key } from "../core/random.ts";
import { ravel, unravel } from "../core/tree.ts";
import type { SymmetryGroup } from "../symmetry/index.ts";
import type { Dynamics, Problem } from "./stepper.ts";
import { runTrajectory } from "./trajectory.ts";
import { etaScaling, type ScalingResult } from "./scaling.ts";

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** All charges of the group at a flat vector (concatenated in the group's component order). */
export function chargeVector(group: SymmetryGroup, problem: Problem, theta: Float64Array): Float64Array {
  return ravel(group.charges(unravel(problem.template, theta)));
}

export interface ChargeDrift {
  steps: number;
  eta: number;
  /** ‖Q(θ_T) − Q(θ₀)‖ / ‖θ₀‖². */
  drift: number;
  /** ‖Σ_k 2B(θ_k, d_k)‖ / ‖θ₀‖²: the vertical part of the updates. */
  firstOrder: number;
  /** ‖Σ_k Q(d_k)‖ / ‖θ₀‖²: the second-order part. */
  secondOrder: number;
  /** max_k ‖2B(θ_k, d_k)‖ / ‖Q(d_k)‖ (≈ rounding for SGD: the per-step identity ΔQ = Q(d)). */
  identityResidual: number;
}

/** The charge drift of `steps` updates of `dynamics` from θ₀. */
export function chargeDrift(
  group: SymmetryGroup,
  problem: Problem,
  dynamics: Extract<Dynamics, { kind: "step" }>,
  theta0: Float64Array,
  steps: number,
  key: Key,
): ChargeDrift {
  const q0 = chargeVector(group, problem, theta0);
  const scale = norm(theta0) ** 2;
  const first = new Float64Array(q0.length);
  const second = new Float64Array(q0.length);
  let worst = 0;
  let prev = theta0;
  let qPrev = q0;
  let qLast = q0;
  runTrajectory(problem, dynamics, theta0, steps, key, (k, theta) => {
    if (k === 0) return;
    const d = theta.map((v, i) => v - prev[i]);
    const q = chargeVector(group, problem, theta);
    const qd = chargeVector(group, problem, d);
    let f2 = 0;
    for (let i = 0; i < q.length; i++) {
      const fi = q[i] - qPrev[i] - qd[i];
      first[i] += fi;
      second[i] += qd[i];
      f2 += fi * fi;
    }
    const nd = norm(qd);
    if (nd > 0) worst = Math.max(worst, Math.sqrt(f2) / nd);
    prev = theta;
    qPrev = q;
    qLast = q;
  });
  return {
    steps,
    eta: dynamics.optimizer.lr,
    drift: norm(qLast.map((v, i) => v - q0[i])) / scale,
    firstOrder: norm(first) / scale,
    secondOrder: norm(second) / scale,
    identityResidual: worst,
  };
}

/** Charge drift over the same training time τ = ηT at several η, and its η-exponent. */
export function chargeDriftScaling(
  group: SymmetryGroup,
  problem: Problem,
  dynamics: Extract<Dynamics, { kind: "step" }>,
  theta0: Float64Array,
  o: { etas: readonly number[]; time: number; key: Key },
): { runs: ChargeDrift[]; scaling: ScalingResult } {
  const runs = o.etas.map((eta) =>
    chargeDrift(
      group,
      problem,
      { ...dynamics, optimizer: { ...dynamics.optimizer, lr: eta } },
      theta0,
      Math.max(1, Math.round(o.time / eta)),
      o.key,
    ),
  );
  return {
    runs,
    scaling: etaScaling(
      runs.map((r) => r.eta),
      runs.map((r) => r.drift),
    ),
  };
}
