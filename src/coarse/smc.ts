/**
 * The `method: "smc"` estimator (docs/local-entropy.md §smc): a pilot tempering run fixes the
 * schedule (λ_k, MALA step sizes, sweeps), then R independent runs follow it (smcRun.ts), N
 * particles each. Each Ẑ_r is unbiased for Z but right-skewed (close to log-normal: most runs fall
 * short, a few overshoot), so the arithmetic mean of eight of them and its sample variance
 * understate both Z and the error. With ℓ_r = log Ẑ_r, mean ℓ̄ and variance s², the log-normal
 * estimate and its delta-method error are
 *
 *   log Ẑ = ℓ̄ + s²/2,   se(log Ẑ)² = s²/R + s⁴/(2(R − 1)),   u = −β⁻¹ log Ẑ,   se(u) = κ_R se(log Ẑ)/β,
 *
 * and ⟨y⟩ = mean of the runs' particle means ȳ_r (bias O(1/N) each, far below the error), with
 * se(⟨y⟩ⱼ) = κ_R sd_r(ȳ_rj)/√R, ∇u = (x − ⟨y⟩)/t. κ_R = √((R − 1)/(R − 3)): an error from the
 * spread of R replicates makes z = error/se Student-t with R − 1 degrees of freedom, variance
 * (R − 1)/(R − 3), which κ_R divides out. The error bars are withdrawn when the replicates' ℓ_r
 * spread more than SMC_MAX_LOGZ_SD nats or the moves stalled (few distinct particles); a too-wide
 * spread first doubles the particles (up to maxParticles, within the budget).
 * With two threads and a portable objective half of each round's replicates run on a worker thread
 * (./chainThreads.ts, ./smcReplicates.ts, docs/local-entropy.md §threads): the same result, count and
 * budget error, bit for bit.
 */
import { type Key, foldIn } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { checkCommon } from "./check.ts";
import { integer, positive } from "../validate.ts";
import { countingObjective, totalEvaluations } from "./objective.ts";
import { gradientSummary } from "./stats.ts";
import { certify, roundingFloor } from "./reliability.ts";
import { smcRun, SmcBudgetError, type SmcRun, type SmcSchedule, type SmcSettings } from "./smcRun.ts";
import { replayReplicates } from "./smcReplicates.ts";
import { onChainThreads, startReplicates } from "./chainThreads.ts";
import type { EvaluationCount, LocalEntropyResult, Objective, SmcOptions } from "./types.ts";

/** Largest standard deviation of the replicates' log Ẑ_r (nats) with which smc's error bars are kept. */
export const SMC_MAX_LOGZ_SD = 0.5;
const SPREAD = "the replicates disagree";
/** Smallest fraction of distinct particles at the end of a run with which smc's error bars are kept. */
export const SMC_MIN_DISTINCT = 0.1;

export function smcEstimate(target: Objective, x: Float64Array, o: SmcOptions): LocalEntropyResult {
  const key = checkCommon(target, x, o);
  if (!target.valueAndGrad) throw new InputError("smc: the objective has no gradient (MALA moves need ∇f)");
  let N = integer(o.particles ?? 256, "particles", 16);
  const R = integer(o.replicates ?? 8, "replicates", 4);
  const rho = o.essFraction ?? 0.8;
  if (typeof rho !== "number" || !(rho > 0 && rho < 1))
    throw new InputError(`essFraction: expected a number in (0, 1), got ${String(rho)}`, { field: "essFraction" });
  const maxMoves = integer(o.maxMoves ?? 20, "maxMoves", 2);
  const goal = o.stderr === undefined ? undefined : positive(o.stderr, "stderr");
  const maxN = integer(o.maxParticles ?? 4 * N, "maxParticles", N);
  const budget = positive(o.maxEvaluations ?? 5e6, "maxEvaluations");
  const { objective: obj, count } = countingObjective(target);
  const { t, beta } = o;
  // the pilot may spend a (R + 1)-th of the budget: a schedule dearer than that cannot be followed R times
  let limit = budget / (R + 1);
  const spend = budgetCheck(count, budget, () => limit);
  const finish = (res: ReturnType<typeof combine>, note?: string) => {
    if (note) res.result.warnings.push(note);
    res.result.samples = totalEvaluations(count);
    res.result.details.cost = { ...count };
    return certify(res.result, res.failures, res.checks);
  };
  let previous: ReturnType<typeof combine> | null = null;
  // Two threads: half of each round's replicates on a worker, every product at one GEMM thread
  // (docs/local-entropy.md §threads); the same result, count and budget error as one thread.
  return onChainThreads(obj, R, "replicates", (threads) => {
    for (let round = 0; ; round++) {
      const settings = { x, t, beta, particles: N, essFraction: rho, maxMoves, spend };
      const kRound = foldIn(key, round);
      let res: ReturnType<typeof combine>;
      try {
        limit = totalEvaluations(count) + (budget - totalEvaluations(count)) / (R + 1);
        const pilot = smcRun(obj, settings, foldIn(kRound, R));
        limit = budget;
        const runs = replicateRuns(obj, settings, pilot.schedule, kRound, R, threads, totalEvaluations(count), budget);
        res = combine(runs, x, t, beta, N);
      } catch (e) {
        // a rerun with more particles that does not fit the budget leaves the last complete answer
        if (previous && e instanceof SmcBudgetError)
          return finish(previous, `smc: a rerun with ${N} particles did not fit the budget of ${budget} evaluations`);
        throw e;
      }
      // more particles shrink both the replicates' spread of log Ẑ (a failed diagnostic) and the stderr
      const spreadOnly = res.failures.length > 0 && res.failures.every((f) => f.startsWith(SPREAD));
      const short = res.failures.length === 0 && goal !== undefined && (res.result.stderr as number) > goal;
      if (!(spreadOnly || short) || 2 * N > maxN) {
        const capped = short
          ? `smc: stderr ${(res.result.stderr as number).toPrecision(3)} > target ${goal} at the cap of ${N} particles`
          : undefined;
        return finish(res, capped);
      }
      previous = res;
      N *= 2;
    }
  });
}

export { SmcBudgetError };

/**
 * smc's `spend`: throws SmcBudgetError, naming the budget, the evaluations counted and λ, once
 * `count` exceeds `limit()` (below the budget while a pilot runs, else the budget).
 */
export function budgetCheck(count: EvaluationCount, budget: number, limit: () => number): (lambda: number) => void {
  return (lambda) => {
    const spent = totalEvaluations(count);
    const lim = limit();
    if (spent > lim)
      throw new SmcBudgetError(
        `smc: the budget of ${budget} evaluations does not suffice (${spent} spent by ` +
          `λ = ${lambda.toPrecision(3)}${lim < budget ? " in the pilot run" : ""}; raise maxEvaluations)`,
        spent,
      );
  };
}

/**
 * The R replicates of a round, following the pilot's schedule: at one thread all here in order; at
 * two, [0, h) here and [h, R) on the worker, whose budget the one-thread loop's accounting then
 * replays in order (./smcReplicates.ts). `spentBefore`: the evaluations counted before them.
 */
export function replicateRuns(
  obj: Objective,
  settings: SmcSettings,
  schedule: SmcSchedule,
  kRound: Key,
  R: number,
  threads: 1 | 2,
  spentBefore: number,
  budget: number,
): SmcRun[] {
  const h = threads === 2 ? Math.floor(R / 2) : R;
  const { spend, ...plain } = settings;
  const pending =
    h < R
      ? startReplicates(obj, {
          settings: plain,
          schedule,
          kRound,
          replicates: Array.from({ length: R - h }, (_, i) => h + i),
          spentBefore,
          budget,
        })
      : null;
  const runs: SmcRun[] = [];
  try {
    for (let r = 0; r < h; r++) runs.push(smcRun(obj, settings, foldIn(kRound, r), schedule));
  } catch (e) {
    pending?.abandon();
    throw e;
  }
  if (pending) runs.push(...replayReplicates(pending.finish(), spend, (c) => obj.evaluatedElsewhere!(c)));
  return runs;
}

function combine(runs: SmcRun[], x: Float64Array, t: number, beta: number, N: number) {
  const R = runs.length;
  const n = x.length;
  const logZs = runs.map((r) => r.logZ);
  const kappa = Math.sqrt((R - 1) / (R - 3));
  const meanLog = logZs.reduce((a, b) => a + b, 0) / R;
  const varLog = logZs.reduce((a, l) => a + (l - meanLog) ** 2, 0) / (R - 1);
  const sdLogZ = Math.sqrt(varLog);
  const logZ = meanLog + varLog / 2;
  const seLogZ = Math.sqrt(varLog / R + (varLog * varLog) / (2 * (R - 1)));
  const mean = new Float64Array(n);
  const meanSe = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const m = runs.reduce((a, r) => a + r.mean[j], 0) / R;
    mean[j] = m;
    meanSe[j] = kappa * Math.sqrt(runs.reduce((a, r) => a + (r.mean[j] - m) ** 2, 0) / (R * (R - 1)));
  }
  const u = -logZ / beta;
  const grad = Float64Array.from(mean, (m, j) => (x[j] - m) / t);
  const yScale = Math.max(...Array.from(mean, Math.abs), ...Array.from(x, Math.abs));
  const gradStderr = Float64Array.from(meanSe, (v) => Math.hypot(v, roundingFloor(yScale)) / t);
  const distinct = Math.min(...runs.map((r) => r.distinct));
  const acceptance = runs.reduce((a, r) => a + r.acceptance, 0) / R;
  const failures: string[] = [];
  if (!(sdLogZ <= SMC_MAX_LOGZ_SD))
    failures.push(
      `${SPREAD}: sd of log Ẑ over ${R} replicates = ${sdLogZ.toPrecision(3)} > ${SMC_MAX_LOGZ_SD} nats (more particles or moves)`,
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
        "−β⁻¹ log Ẑ, Ẑ the log-normal mean of independent tempering-SMC estimates of E_{N(x, t/β)}[e^{−βf}] " +
        "(λ schedule from a pilot run, MALA moves)",
      stderr: Math.hypot((kappa * seLogZ) / beta, roundingFloor(u)),
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
