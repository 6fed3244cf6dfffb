/**
 * smc's replicates on a second thread (docs/local-entropy.md §threads). Given the pilot's frozen
 * schedule, replicate r depends only on its key foldIn(k_round, r), so the replicates may run in
 * any order; what ties them together is the evaluation budget. The one-thread loop runs them in
 * order with one count: after each batch of evaluations its `spend(λ)` throws SmcBudgetError once
 * the count (everything before the replicates, then replicates 0, 1, … in order) exceeds the
 * budget. A replicate's own evaluations do not depend on the budget, so a worker runs its
 * replicates with their own count and records, at every `spend` call, λ and that count (its
 * *spend points*); afterwards `replayReplicates` walks the records in replicate order, reports the
 * evaluations up to each spend point to the caller's count and runs the caller's `spend` there.
 * That is the one-thread loop's accounting step by step: it throws the same error (message and
 * evaluations) at the same point, leaves the same count behind, and keeps the same runs.
 *
 * The worker may stop early, but only where the loop stops too: at a spend point where the
 * evaluations before the replicates plus its own count already exceed the budget, the loop's
 * count — larger by the caller's replicates — exceeds it there or earlier. It stops at a
 * replicate's error as well (the loop goes no further).
 */
import { type Key, foldIn } from "../core/random.ts";
import { totalEvaluations } from "./objective.ts";
import { smcRun, type SmcRun, type SmcSchedule, type SmcSettings } from "./smcRun.ts";
import { decodeError, encodeError, type ErrorMessage } from "./threadError.ts";
import type { EvaluationCount, Objective } from "./types.ts";

/** Replicates `replicates` of one round (plain data). */
export interface ReplicateJob {
  settings: Omit<SmcSettings, "spend">;
  schedule: SmcSchedule;
  kRound: Key;
  replicates: number[];
  /** Evaluations counted before the first replicate (pilot and earlier rounds), and the budget. */
  spentBefore: number;
  budget: number;
}

/** λ at one `spend` call and the evaluations made by then (over the job's replicates so far). */
export interface SpendPoint {
  lambda: number;
  count: EvaluationCount;
}

/** One replicate: its spend points and count at its end (over the job so far), and its run or why it has none. */
export interface ReplicateRecord {
  points: SpendPoint[];
  count: EvaluationCount;
  run?: SmcRun;
  failure?: unknown;
  /** Stopped where the one-thread loop's count exceeds the budget (at the last point or before). */
  overBudget?: boolean;
}

/** The one-thread loop's budget is exceeded here: the worker's replicates stop. */
class OverBudget extends Error {}

/**
 * Runs the job's replicates in order on `obj`, whose evaluations `count` counts (from zero),
 * recording their spend points; stops after one over the budget or failing.
 */
export function runReplicates(obj: Objective, count: EvaluationCount, job: ReplicateJob): ReplicateRecord[] {
  const records: ReplicateRecord[] = [];
  for (const r of job.replicates) {
    const points: SpendPoint[] = [];
    const spend = (lambda: number) => {
      points.push({ lambda, count: { ...count } });
      if (job.spentBefore + totalEvaluations(count) > job.budget) throw new OverBudget();
    };
    let rec: ReplicateRecord;
    try {
      const run = smcRun(obj, { ...job.settings, spend }, foldIn(job.kRound, r), job.schedule);
      rec = { points, count: { ...count }, run };
    } catch (e) {
      rec = { points, count: { ...count }, ...(e instanceof OverBudget ? { overBudget: true } : { failure: e }) };
    }
    records.push(rec);
    if (rec.run === undefined) break;
  }
  return records;
}

/**
 * The one-thread loop's accounting over `records` (replicates in order, counts from zero): at each
 * spend point `report` gets the evaluations since the last and `spend(λ)` runs; a replicate's
 * error is thrown after its evaluations are reported. Returns the runs.
 */
export function replayReplicates(
  records: readonly ReplicateRecord[],
  spend: (lambda: number) => void,
  report: (evaluations: EvaluationCount) => void,
): SmcRun[] {
  let last: EvaluationCount = { values: 0, gradients: 0, hvps: 0 };
  const reach = (c: EvaluationCount) => {
    report({ values: c.values - last.values, gradients: c.gradients - last.gradients, hvps: c.hvps - last.hvps });
    last = c;
  };
  const runs: SmcRun[] = [];
  for (const rec of records) {
    for (const p of rec.points) {
      reach(p.count);
      spend(p.lambda);
    }
    reach(rec.count);
    if (rec.failure !== undefined) throw rec.failure;
    if (rec.run === undefined)
      throw new Error("smc replicates: the second thread stopped at the budget where one thread would not have");
    runs.push(rec.run);
  }
  return runs;
}

/** A replicate record as plain data (what the worker sends back). */
export type ReplicateMessage = Omit<ReplicateRecord, "failure"> & { failure?: ErrorMessage };

export function encodeReplicate(r: ReplicateRecord): ReplicateMessage {
  const { failure, ...rest } = r;
  return failure === undefined ? rest : { ...rest, failure: encodeError(failure) };
}

/** The record `encodeReplicate` described; a failure comes back as the same kind of error (InputError or Error). */
export function decodeReplicate(m: ReplicateMessage): ReplicateRecord {
  const { failure, ...rest } = m;
  return failure === undefined ? rest : { ...rest, failure: decodeError(failure) };
}
