/**
 * The `method: "smc"` estimator (docs/local-entropy.md §smc): a pilot tempering run fixes the
 * schedule (λ_k, MALA step sizes, sweeps), then R independent runs follow it (smcRun.ts), N
 * particles each, combined as
 *
 *   Ẑ = (1/R) Σ Ẑ_r,   ⟨y⟩ = Σ Ẑ_r ȳ_r / Σ Ẑ_r,   u = −β⁻¹ log Ẑ,   ∇u = (x − ⟨y⟩)/t,
 *
 * (averaging the unbiased Ẑ_r keeps u's bias O(1/(NR)); weighting ȳ_r by Ẑ_r is the ratio estimator
 * of the pooled population). Errors from the spread of the replicates (ρ_r = Ẑ_r/Ẑ):
 *
 *   se(u) = β⁻¹·κ_R·sd(ρ_r)/√R,   se(⟨y⟩ⱼ) = κ_R·√(Σ ρ_r²(ȳ_rj − ⟨y⟩ⱼ)²/(R(R − 1))),
 *
 * with κ_R = √((R − 1)/(R − 3)): a spread from R replicates makes z = error/se Student-t with
 * R − 1 degrees of freedom, whose variance (R − 1)/(R − 3) κ_R divides out. The error bars are
 * withdrawn when the replicates' log Ẑ_r spread more than SMC_MAX_LOGZ_SD nats (the delta method
 * and the sample variance fail for such skewed Ẑ_r) or when the moves stalled (few distinct particles).
 */
import { foldIn } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { checkCommon, positiveInteger, positiveNumber } from "./check.ts";
import { countingObjective, totalEvaluations } from "./objective.ts";
import { gradientSummary, logSumExp } from "./stats.ts";
import { certify, roundingFloor } from "./reliability.ts";
import { smcRun, SmcBudgetError, type SmcRun } from "./smcRun.ts";
import type { LocalEntropyResult, Objective, SmcOptions } from "./types.ts";

/** Largest standard deviation of the replicates' log Ẑ_r (nats) with which smc's error bars are kept. */
export const SMC_MAX_LOGZ_SD = 0.5;
/** Smallest fraction of distinct particles at the end of a run with which smc's error bars are kept. */
export const SMC_MIN_DISTINCT = 0.1;

export function smcEstimate(target: Objective, x: Float64Array, o: SmcOptions): LocalEntropyResult {
  const key = checkCommon(target, x, o);
  if (!target.valueAndGrad) throw new InputError("smc: the objective has no gradient (MALA moves need ∇f)");
  let N = positiveInteger(o.particles ?? 256, "particles", 16);
  const R = positiveInteger(o.replicates ?? 8, "replicates", 4);
  const rho = o.essFraction ?? 0.5;
  if (typeof rho !== "number" || !(rho > 0 && rho < 1))
    throw new InputError(`essFraction: expected a number in (0, 1), got ${String(rho)}`);
  const maxMoves = positiveInteger(o.maxMoves ?? 20, "maxMoves", 2);
  const goal = o.stderr === undefined ? undefined : positiveNumber(o.stderr, "stderr");
  const maxN = positiveInteger(o.maxParticles ?? 64 * N, "maxParticles", N);
  const budget = positiveNumber(o.maxEvaluations ?? 5e6, "maxEvaluations");
  const { objective: obj, count } = countingObjective(target);
  const { t, beta } = o;
  // the pilot may spend a (R + 1)-th of the budget: a schedule dearer than that cannot be followed R times
  let limit = budget / (R + 1);
  const spend = (lambda: number) => {
    if (totalEvaluations(count) > limit)
      throw new SmcBudgetError(
        `smc: the budget of ${budget} evaluations does not suffice (${totalEvaluations(count)} spent by λ = ${lambda.toPrecision(3)}${limit < budget ? " in the pilot run" : ""}; raise maxEvaluations)`,
      );
  };
  let round = 0;
  for (;;) {
    const settings = { x, t, beta, particles: N, essFraction: rho, maxMoves, spend };
    const kRound = foldIn(key, round);
    limit = totalEvaluations(count) + budget / (R + 1);
    const pilot = smcRun(obj, settings, foldIn(kRound, R));
    limit = budget;
    const runs: SmcRun[] = [];
    for (let r = 0; r < R; r++) runs.push(smcRun(obj, settings, foldIn(kRound, r), pilot.schedule));
    const res = combine(runs, x, t, beta, N);
    const certifiable = res.failures.length === 0;
    if (goal === undefined || !certifiable || (res.result.stderr as number) <= goal || 2 * N > maxN) {
      if (goal !== undefined && certifiable && (res.result.stderr as number) > goal)
        res.result.warnings.push(
          `smc: stderr ${(res.result.stderr as number).toPrecision(3)} > target ${goal} at the cap of ${N} particles`,
        );
      res.result.samples = totalEvaluations(count);
      res.result.details.cost = { ...count };
      return certify(res.result, res.failures, res.checks);
    }
    N *= 2;
    round++;
  }
}

export { SmcBudgetError };

function combine(runs: SmcRun[], x: Float64Array, t: number, beta: number, N: number) {
  const R = runs.length;
  const n = x.length;
  const logZs = runs.map((r) => r.logZ);
  const logZ = logSumExp(logZs) - Math.log(R);
  const rho = logZs.map((l) => Math.exp(l - logZ)); // mean 1
  const kappa = Math.sqrt((R - 1) / (R - 3));
  const varRho = rho.reduce((s, v) => s + (v - 1) ** 2, 0) / (R - 1);
  const relSe = Math.sqrt(varRho / R);
  const mean = new Float64Array(n);
  runs.forEach((r, i) => {
    for (let j = 0; j < n; j++) mean[j] += (rho[i] / R) * r.mean[j];
  });
  const meanSe = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    runs.forEach((r, i) => (s += (rho[i] * (r.mean[j] - mean[j])) ** 2));
    meanSe[j] = kappa * Math.sqrt(s / (R * (R - 1)));
  }
  const u = -(logZ + 0.5 * relSe * relSe) / beta;
  const grad = Float64Array.from(mean, (m, j) => (x[j] - m) / t);
  const yScale = Math.max(...Array.from(mean, Math.abs), ...Array.from(x, Math.abs));
  const gradStderr = Float64Array.from(meanSe, (v) => Math.hypot(v, roundingFloor(yScale)) / t);
  const meanLog = logZs.reduce((a, b) => a + b, 0) / R;
  const sdLogZ = Math.sqrt(logZs.reduce((a, l) => a + (l - meanLog) ** 2, 0) / (R - 1));
  const distinct = Math.min(...runs.map((r) => r.distinct));
  const acceptance = runs.reduce((a, r) => a + r.acceptance, 0) / R;
  const failures: string[] = [];
  if (!(sdLogZ <= SMC_MAX_LOGZ_SD))
    failures.push(
      `the replicates disagree: sd of log Ẑ over ${R} replicates = ${sdLogZ.toPrecision(3)} > ${SMC_MAX_LOGZ_SD} nats (more particles or moves)`,
    );
  if (!(distinct >= SMC_MIN_DISTINCT))
    failures.push(`the MALA moves stalled: only ${(100 * distinct).toFixed(1)}% distinct particles at the end`);
  const ess = N * R; // every run ends resampled: N equally weighted particles each
  const sched = runs[0].schedule;
  return {
    failures,
    checks: { replicates: R, sdLogZ, maxSdLogZ: SMC_MAX_LOGZ_SD, distinct, acceptance, ess },
    result: {
      method: "smc" as const,
      estimator: `smc (${R} replicates × ${N} particles)`,
      t,
      beta,
      nu: 1 / (2 * beta),
      dim: n,
      u,
      uNote:
        "−β⁻¹ log Ẑ, Ẑ the mean of independent tempering-SMC estimates of E_{N(x, t/β)}[e^{−βf}] (adaptive λ schedule, MALA moves)",
      stderr: Math.hypot((kappa * relSe) / beta, roundingFloor(u)),
      errorKind: "statistical" as const,
      ...gradientSummary(grad, gradStderr),
      mean,
      ess,
      samples: 0,
      warnings: [] as string[],
      details: {
        particles: N,
        replicates: R,
        logZ: logZs,
        stages: sched.lambdas.length,
        sweeps: sched.sweeps.reduce((a, b) => a + b, 0),
        lambdas: sched.lambdas,
        acceptance,
        distinct,
      } as Record<string, unknown>,
    },
  };
}
