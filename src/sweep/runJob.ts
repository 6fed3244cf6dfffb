/**
 * One job, as a worker computes it (docs/sweeps.md §workers): `trainRun` into a private scratch
 * store in the job's scratch folder — never the coordinator's store. A scratch folder that already
 * holds the job's run (an earlier attempt on this machine was killed) is resumed from its newest
 * checkpoint, which the run store verifies; a run that already ended is simply read back. Given a
 * resume bundle from another machine instead, the scratch store is rebuilt from it first. Either
 * way the job ends with the same result as one uninterrupted run of its config.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/files.ts";
import { canonicalJson } from "../store/codec.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import { parseRunConfig } from "../train/config.ts";
import type { Callback } from "../train/loop.ts";
import { runDir, trainRun } from "../train/run.ts";
import { readBundle, readResult, rehomed, type RunRecord, writeScalars } from "./record.ts";

export interface JobTask {
  jobId: string;
  /** The job's run config (validated again here). */
  config: unknown;
  /** A folder private to this job on this machine. */
  scratch: string;
}

export type Bundle = RunRecord & { checkpointStep: number };

export interface JobHooks {
  signal?: AbortSignal;
  /** The attempt starts: from step `fromStep` (0: from scratch) of `totalSteps`. */
  onStart?(fromStep: number, totalSteps: number): void;
  /** At most every `PROGRESS_MS`, and at the last step. */
  onProgress?(step: number, totalSteps: number): void;
  /** A newer checkpoint exists: what another machine needs to continue (checked at most every `PROGRESS_MS`). */
  onBundle?(bundle: Bundle): void;
}

export type JobOutcome = { kind: "result"; record: RunRecord } | { kind: "interrupted"; step: number };

export const PROGRESS_MS = 250;

/** The scratch store's file inside a job's scratch folder. */
export const scratchStorePath = (scratch: string) => join(scratch, "job.db");

/** Rebuilds a killed run from a bundle in a fresh scratch store: its log, then its checkpoint under the new run's id. */
function restore(path: string, b: Bundle): void {
  const store = SqliteRunStore.open(path);
  try {
    const config = b.config as { seed: number };
    const run = store.createRun({ name: "restored", config: b.config, seed: config.seed });
    writeScalars(store, run.id, b.scalars);
    for (const e of b.events) store.logEvent(run.id, e);
    const dir = runDir(path, run.id);
    mkdirSync(dir, { recursive: true });
    for (const f of b.files) {
      const file = join(dir, f.name);
      store.logEvent(run.id, { step: b.checkpointStep, kind: "checkpoint", payload: { path: file, restored: true } });
      writeFileAtomic(file, rehomed(f.bytes, run.id, `checkpoint ${f.name}`));
      store.addArtifact(run.id, { name: f.name, kind: f.kind, path: file });
    }
    store.setStatus(run.id, "KILLED", { error: "restored from a resume bundle" });
  } finally {
    store.close();
  }
}

/** Progress and bundle hooks as a training-loop callback. */
function hookCallback(store: SqliteRunStore, runId: () => string, hooks: JobHooks): Callback {
  let lastReport = 0,
    shipped = -1;
  return {
    onStart(state, total) {
      hooks.onStart?.(state.step, total);
      shipped = state.step;
    },
    onStep({ step, totalSteps }) {
      const now = performance.now();
      if (now - lastReport < PROGRESS_MS && step < totalSteps) return;
      lastReport = now;
      // The bundle first: whoever sees this progress can count on the checkpoint being on its way.
      const b = hooks.onBundle ? readBundle(store, runId()) : null;
      if (b && b.checkpointStep > shipped) {
        shipped = b.checkpointStep;
        hooks.onBundle?.(b);
      }
      hooks.onProgress?.(step, totalSteps);
    },
  };
}

/** A scratch run that ended without a result of its own (an error stopped it): it is started over. */
function endedWithoutResult(store: SqliteRunStore, runId: string): boolean {
  const run = store.getRun(runId);
  return run.status === "FAILED" && store.events(runId, { kind: "divergence" }).length === 0;
}

export async function runJob(task: JobTask, hooks: JobHooks = {}, bundle?: Bundle | null): Promise<JobOutcome> {
  const config = parseRunConfig(task.config, `job ${task.jobId} config`);
  mkdirSync(task.scratch, { recursive: true });
  const path = scratchStorePath(task.scratch);
  if (bundle && !existsSync(path)) restore(path, bundle);
  let store = SqliteRunStore.open(path);
  try {
    const [first, ...more] = store.listRuns();
    let existing: typeof first | undefined = first;
    if (more.length > 0 || (existing && canonicalJson(store.getRun(existing.id).config) !== canonicalJson(config)))
      throw new Error(`scratch folder ${task.scratch} holds runs of another job; refusing to mix them`);
    if (existing && endedWithoutResult(store, existing.id)) {
      store.close();
      rmSync(task.scratch, { recursive: true, force: true });
      mkdirSync(task.scratch, { recursive: true });
      store = SqliteRunStore.open(path);
      existing = undefined;
    }
    if (existing && (existing.status === "FINISHED" || existing.status === "FAILED"))
      return { kind: "result", record: readResult(store, existing.id) };
    let id = existing?.id ?? "";
    const callback = hookCallback(store, () => id, hooks);
    const r = await trainRun({
      store,
      ...(existing ? { resume: existing.id } : { config }),
      source: `job ${task.jobId}`,
      callbacks: [callback],
      signal: hooks.signal,
      onRun: (h) => {
        id = h.id;
      },
    });
    if (r.status === "INTERRUPTED") {
      const b = hooks.onBundle ? readBundle(store, r.id) : null;
      if (b) hooks.onBundle?.(b);
      return { kind: "interrupted", step: r.step };
    }
    hooks.onProgress?.(r.step, r.totalSteps);
    return { kind: "result", record: readResult(store, r.id) };
  } finally {
    store.close();
  }
}
