/**
 * Sweeps (docs/sweeps.md): specs, their jobs, running them on a local process pool or through a
 * Redis queue, their status and phase diagrams. The queue's modules (BullMQ, ioredis) load only
 * when a queue is used.
 */
export { parseSweepSpec, loadSweepSpec, sweepSpecJsonSchema, type SweepSpec, type SweepSpecInput } from "./spec.ts";
export { expandSweep, describeOverrides, type JobPlan, type Overrides } from "./expand.ts";
export { createSweep, executeSweep, executorLabel, type Executor } from "./sweep.ts";
export { runLocal, jobScratch, type SweepEvent, type ExecuteOptions } from "./local.ts";
export { summarizeSweep, formatSweepStatus, type SweepSummary } from "./summary.ts";
export { phaseDiagram, type PhaseDiagram, type PhaseMap, type PhaseAxis } from "./phaseDiagram.ts";
export { writePhaseReport, phaseMapSvg } from "./phaseReport.ts";
export {
  gradientFieldOfRun,
  testSweepGradientField,
  storedGradientField,
  type RunGradientField,
  type GradientFieldBudget,
} from "./gradientField.ts";
export { runJob, type JobTask, type JobOutcome, type Bundle } from "./runJob.ts";
export { readResult, readBundle, encodeRecord, decodeRecord, type RunRecord } from "./record.ts";
import { redisOptions } from "./queueKeys.ts";
import type { Executor } from "./sweep.ts";
import type { WorkerOptions } from "./worker.ts";

/** The executor that enqueues jobs in Redis at `url` (redis://HOST:PORT[/DB]) for `shocklens worker`s. */
export function queueExecutor(url: string): Executor {
  redisOptions(url); // a malformed address is bad input, before anything is written
  return {
    kind: "queue",
    url,
    run: async (o) => (await import("./queue.ts")).runQueue(url, o),
  };
}

/** Runs a worker until `o.signal` aborts. */
export async function runWorker(o: WorkerOptions): Promise<void> {
  return (await import("./worker.ts")).runWorker(o);
}
export type { WorkerOptions };
