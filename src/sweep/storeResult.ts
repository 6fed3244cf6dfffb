/**
 * The coordinator's one write per job (docs/sweeps.md §exactly-once): a job's result becomes a run
 * of the store — config, scalars, events, weights, status — and the job points at it, all in one
 * transaction that first checks the job has no result yet. A second delivery of the same job's
 * result changes nothing but the job's history.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../io/files.ts";
import { canonicalJson } from "../store/codec.ts";
import type { SqliteRunStore } from "../store/sqlite.ts";
import type { JobRecord, SweepRecord } from "../store/sweepReader.ts";
import { runDir } from "../train/run.ts";
import { type RunRecord, rehomed, writeScalars } from "./record.ts";

/** A result that is not one of the job's (an unfinished run, another config): nothing was written. */
export class ResultRefusedError extends Error {
  override name = "ResultRefusedError";
}

export interface StoredResult {
  runId: string;
  /** True when the job already had its result: nothing was written. */
  duplicate: boolean;
}

export function storeJobResult(
  store: SqliteRunStore,
  sweep: SweepRecord,
  job: JobRecord,
  r: RunRecord,
  worker?: string,
): StoredResult {
  if (r.status !== "FINISHED" && r.status !== "FAILED")
    throw new ResultRefusedError(`job ${job.id}: a result must be an ended run, got a ${r.status} one`);
  if (canonicalJson(r.config) !== canonicalJson(job.config))
    throw new ResultRefusedError(`job ${job.id}: the result was computed from another config than the job's; refused`);
  const sweeps = store.sweeps();
  return store.transaction(() => {
    const current = sweeps.job(sweep.id, job.id);
    if (current.status === "FINISHED") {
      sweeps.noteDuplicate(sweep.id, job.id, worker);
      return { runId: current.runId ?? "", duplicate: true };
    }
    const config = r.config as { seed: number; experiment?: string };
    const run = store.createRun({
      name: `${sweep.name}-${job.index}`,
      experiment: config.experiment ?? sweep.name,
      config: r.config,
      seed: config.seed,
      tags: { sweep: sweep.id, sweep_job: job.id },
    });
    writeScalars(store, run.id, r.scalars);
    for (const e of r.events)
      store.logEvent(run.id, { step: e.step, kind: e.kind, payload: e.payload, wallTime: e.wallTime });
    for (const f of r.files.filter((x) => x.kind === "weights")) {
      const dir = runDir(store.path, run.id);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, f.name);
      writeFileAtomic(path, rehomed(f.bytes, run.id, `job ${job.id} weights`));
      store.addArtifact(run.id, { name: f.name, kind: f.kind, path });
    }
    store.setStatus(run.id, r.status, r.status === "FAILED" ? { error: r.error ?? "failed" } : {});
    sweeps.keepRunTimes(run.id, r.startTime, r.endTime);
    if (!sweeps.finishJob(sweep.id, job.id, run.id, worker)) throw new Error(`job ${job.id}: finished twice`);
    return { runId: run.id, duplicate: false };
  });
}
