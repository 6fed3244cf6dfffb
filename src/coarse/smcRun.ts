/**
 * One run of the tempering sequential Monte Carlo sampler of the local entropy
 * (docs/local-entropy.md §smc). The bridge from the kernel to the Gibbs kernel,
 *
 *   π_λ(y) ∝ exp(−β(λf(y) + |y − x|²/(2t))),   λ ∈ [0, 1],   Z(λ) = E_{N(x, t/β)}[e^{−λβf}],
 *
 * starts with N exact draws of π₀ = N(x, (t/β)I) (Z(0) = 1) and at each stage k
 *   1. reweights by wᵢ = e^{−β(λ_k − λ_{k−1})f(yᵢ)}: log Z += log mean wᵢ (after resampling the
 *      weights are uniform), then resamples systematically;
 *   2. moves every particle by MALA sweeps that leave π_{λ_k} invariant (mala.ts).
 * Ẑ(1) is unbiased for Z(1) = e^{−βu} when the schedule (λ_k, step sizes η_k, sweep counts) is
 * fixed in advance; choosing it from the same particles biases log Ẑ by O(1/N), which at a few
 * hundred particles is as large as the error itself. So a *pilot* run adapts the schedule —
 * λ_k by bisection so the ESS of the increment weights is ρN (Zhou, Johansen & Aston 2016), η
 * towards MALA's acceptance 0.574, sweeps until every coordinate's correlation (across particles)
 * with its value at the start of the stage is below DECORRELATED — and the replicates then run it
 * frozen. Tempering from the broad kernel puts particles in
 * every mode of ρ_x in proportion to its mass; the moves need not cross barriers.
 */
import { type Key, foldIn, normalArray, uniformArray } from "../core/random.ts";
import { logSumExp } from "./stats.ts";
import { finiteOrInf } from "./check.ts";
import { langevinStep, TARGET_ACCEPT, type ChainState, type LangevinSettings } from "./mala.ts";
import type { Objective } from "./types.ts";

export interface SmcSettings {
  x: Float64Array;
  t: number;
  beta: number;
  particles: number;
  essFraction: number;
  maxMoves: number;
  /** Called after each batch of gradient evaluations with the current λ; throws to stop the run (budget). */
  spend: (lambda: number) => void;
}

/** The frozen schedule: λ_k (k ≥ 1, ending at 1), MALA step size and sweeps per stage. */
export interface SmcSchedule {
  lambdas: number[];
  etas: number[];
  sweeps: number[];
}

export interface SmcRun {
  logZ: number;
  mean: Float64Array;
  schedule: SmcSchedule;
  /** Mean MALA acceptance over the run's sweeps. */
  acceptance: number;
  /** Distinct particles at the end, as a fraction of N. */
  distinct: number;
}

/** The budget ran out; `evaluations` were spent by then (f, ∇f and HVP, as countingObjective counts). */
export class SmcBudgetError extends Error {
  constructor(
    message: string,
    readonly evaluations: number,
  ) {
    super(message);
  }
}

/** Correlation between a particle's coordinates before and after a stage's moves at which the pilot stops moving. */
export const DECORRELATED = 0.3;

/** A pilot run (no schedule: adapt it) or a replicate (schedule given: follow it). */
export function smcRun(obj: Objective, s: SmcSettings, key: Key, frozen?: SmcSchedule): SmcRun {
  const { x, t, beta, particles: N } = s;
  const n = obj.dim;
  const sigma = Math.sqrt(t / beta);
  const z = normalArray(foldIn(key, 0), N * n);
  let states: ChainState[] = [];
  let logEta = Math.log(t * Math.min(1, Math.pow(n, -1 / 3)));
  for (let i = 0; i < N; i++) {
    const y = Float64Array.from(x, (v, j) => v + sigma * z[i * n + j]);
    const r = obj.valueAndGrad!(y);
    states.push({ y, f: finiteOrInf(r.value, "at a kernel draw"), g: r.grad, eta: 0 });
  }
  s.spend(0);
  const schedule: SmcSchedule = { lambdas: [], etas: [], sweeps: [] };
  let lambda = 0;
  let logZ = 0;
  let accSum = 0;
  let accCount = 0;
  for (let stage = 0; lambda < 1; stage++) {
    const f = Float64Array.from(states, (st) => st.f);
    const next = frozen ? frozen.lambdas[stage] : nextLambda(f, beta, lambda, s.essFraction);
    const lw = Float64Array.from(f, (v) => -beta * (next - lambda) * v);
    const lse = logSumExp(lw);
    logZ += lse - Math.log(N);
    lambda = next;
    const kStage = foldIn(key, stage + 1);
    states = resample(states, lw, lse, uniformArray(foldIn(kStage, 0), 1)[0]);
    const settings: LangevinSettings = { x, t, beta, lambda, adjust: true };
    const start = states.map((st) => st.y);
    const maxSweeps = frozen ? frozen.sweeps[stage] : s.maxMoves;
    if (frozen) logEta = Math.log(frozen.etas[stage]);
    let sweep = 0;
    while (sweep < maxSweeps) {
      const xi = normalArray(foldIn(kStage, 2 * sweep + 1), N * n);
      const u = uniformArray(foldIn(kStage, 2 * sweep + 2), N);
      const eta = Math.exp(logEta);
      let acc = 0;
      for (let i = 0; i < N; i++) {
        const st = { ...states[i], eta }; // resampled copies share arrays; a step replaces them, never mutates
        acc += langevinStep(obj, settings, st, xi.subarray(i * n, (i + 1) * n), u[i]);
        states[i] = st;
      }
      s.spend(lambda);
      sweep++;
      acc /= N;
      accSum += acc;
      accCount++;
      if (frozen) continue;
      // pilot: tune η towards the target acceptance (η < 2t keeps the Gaussian part stable) and stop
      // once the particles have forgotten where they started: every coordinate's correlation across
      // particles between start and now is below DECORRELATED
      logEta = Math.min(logEta + (acc - TARGET_ACCEPT), Math.log(2 * t));
      if (sweep >= 2 && maxCorrelation(states, start) <= DECORRELATED) break;
    }
    schedule.lambdas.push(lambda);
    schedule.etas.push(Math.exp(logEta));
    schedule.sweeps.push(sweep);
  }
  const mean = new Float64Array(n);
  for (const st of states) for (let j = 0; j < n; j++) mean[j] += st.y[j] / N;
  return {
    logZ,
    mean,
    schedule,
    acceptance: accCount > 0 ? accSum / accCount : NaN,
    distinct: new Set(states.map((st) => st.y)).size / N,
  };
}

/**
 * Largest λ' ≤ 1 whose increment weights wᵢ = e^{−β(λ'−λ)(fᵢ − f_min)} (uniform prior weights)
 * keep (Σwᵢ)²/(NΣwᵢ²) ≥ ρ; bisection, since that ESS fraction falls as λ' grows.
 */
function nextLambda(f: Float64Array, beta: number, lambda: number, rho: number): number {
  let fMin = Infinity;
  for (const v of f) if (v < fMin) fMin = v;
  const essFraction = (d: number) => {
    let s1 = 0;
    let s2 = 0;
    for (const v of f) {
      const w = Math.exp(-beta * d * (v - fMin));
      s1 += w;
      s2 += w * w;
    }
    return (s1 * s1) / (f.length * s2);
  };
  const dMax = 1 - lambda;
  if (essFraction(dMax) >= rho) return 1;
  let lo = 0;
  let hi = dMax;
  for (let it = 0; it < 60 && hi - lo > 1e-14 * dMax; it++) {
    const mid = 0.5 * (lo + hi);
    if (essFraction(mid) >= rho) lo = mid;
    else hi = mid;
  }
  return lambda + Math.max(lo, 1e-15);
}

/** Systematic resampling by log-weights lw (log Σ e^{lw} = lse) and one uniform u. */
function resample(states: ChainState[], lw: Float64Array, lse: number, u: number): ChainState[] {
  const N = states.length;
  const out: ChainState[] = [];
  let c = Math.exp(lw[0] - lse);
  let i = 0;
  for (let k = 0; k < N; k++) {
    const p = (k + u) / N;
    while (p > c && i < N - 1) c += Math.exp(lw[++i] - lse);
    out.push({ ...states[i] });
  }
  return out;
}

/** max over coordinates j of |corr(yᵢⱼ, yᵢⱼ⁽⁰⁾)| across the particles i (0 for a coordinate without spread). */
function maxCorrelation(states: ChainState[], start: Float64Array[]): number {
  const N = states.length;
  const n = start[0].length;
  let worst = 0;
  for (let j = 0; j < n; j++) {
    let ma = 0;
    let mb = 0;
    for (let i = 0; i < N; i++) {
      ma += states[i].y[j] / N;
      mb += start[i][j] / N;
    }
    let sab = 0;
    let saa = 0;
    let sbb = 0;
    for (let i = 0; i < N; i++) {
      const a = states[i].y[j] - ma;
      const b = start[i][j] - mb;
      sab += a * b;
      saa += a * a;
      sbb += b * b;
    }
    if (saa > 0 && sbb > 0) worst = Math.max(worst, Math.abs(sab) / Math.sqrt(saa * sbb));
  }
  return worst;
}
