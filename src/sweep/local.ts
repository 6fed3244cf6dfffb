/**
 * The local executor (docs/sweeps.md §local-pool): the pending jobs of a sweep on a pool of child
 * processes on this machine, the coordinator (this process) the store's only writer. An attempt
 * that fails is retried with exponential back-off — also when its process was killed, in which case
 * the next attempt continues from the job's newest checkpoint in its scratch folder
 * `<store>.sweeps/<sweep>/<job>/`; bad input fails the job at once. A job's scratch folder is
 * removed once its result is stored.
 */
import { rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { InputError } from "../errors.ts";
import type { SqliteRunStore } from "../store/sqlite.ts";
import type { JobRecord } from "../store/sweepReader.ts";
import { ChildLostError, isJobError, ProcessPool } from "./pool.ts";
import { ResultRefusedError, type StoredResult, storeJobResult } from "./storeResult.ts";

/** What happens to jobs, for progress displays. */
export type SweepEvent =
  | { kind: "start"; job: JobRecord; fromStep: number; totalSteps: number; worker: string }
  | { kind: "progress"; job: JobRecord; step: number; totalSteps: number }
  | { kind: "finished"; job: JobRecord; runId: string; duplicate: boolean }
  | { kind: "retry"; job: JobRecord; error: string; delayMs: number }
  | { kind: "failed"; job: JobRecord; error: string };

export interface ExecuteOptions {
  store: SqliteRunStore;
  sweepId: string;
  /** Stops dispatching; running jobs checkpoint and stay pending (resumable). */
  signal?: AbortSignal;
  /** Attempts after the first before a job fails (default 2). */
  retries?: number;
  /** The first retry waits this long, each further one twice as long (default 1000 ms). */
  backoffMs?: number;
  /** Start no job after this time (ms since the epoch). */
  deadline?: number;
  onEvent?(e: SweepEvent): void;
}

/** A job's private folder on this machine. */
export function jobScratch(storePath: string, sweepId: string, jobId: string): string {
  return join(`${storePath}.sweeps`, sweepId, jobId);
}

/** Seconds between two progress writes of one job to the store. */
const PROGRESS_WRITE_MS = 1000;

export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** (attempt - 1);
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function runLocal(o: ExecuteOptions & { workers: number }): Promise<void> {
  const { store, sweepId } = o;
  const table = store.sweeps();
  const sweep = table.sweep(sweepId);
  const retries = o.retries ?? 2;
  const backoffMs = o.backoffMs ?? 1000;
  const pool = new ProcessPool(o.workers);
  const host = hostname();
  const emit = (e: SweepEvent) => o.onEvent?.(e);
  const stopped = () => o.signal?.aborted === true || (o.deadline !== undefined && Date.now() >= o.deadline);
  const onAbort = () => pool.stop();
  o.signal?.addEventListener("abort", onAbort);

  const attempt = async (jobId: string): Promise<void> => {
    for (let tries = 1; !stopped(); tries++) {
      const job = () => table.job(sweepId, jobId);
      const scratch = jobScratch(store.path, sweepId, jobId);
      let worker = host;
      let lastWrite = 0;
      let stored: StoredResult;
      try {
        const out = await pool.run({
          task: { jobId, config: job().config, scratch },
          skip: stopped,
          onDispatch: (pid) => {
            worker = `${host}:${pid}`;
            table.beginAttempt(sweepId, jobId, worker);
          },
          onStart: (fromStep, totalSteps) => {
            table.startJob(sweepId, jobId, fromStep, totalSteps);
            emit({ kind: "start", job: job(), fromStep, totalSteps, worker });
          },
          onProgress: (step, totalSteps) => {
            const now = performance.now();
            if (now - lastWrite >= PROGRESS_WRITE_MS) {
              lastWrite = now;
              table.progress(sweepId, jobId, step, totalSteps);
            }
            emit({ kind: "progress", job: job(), step, totalSteps });
          },
        });
        if (out === null) return;
        if (out.kind === "interrupted") {
          table.retryJob(sweepId, jobId, `interrupted at step ${out.step}`, worker);
          return;
        }
        // A refused result is the attempt's failure; a failure to write the store is not the job's:
        // it ends the sweep (resumable), no retry.
        stored = storeJobResult(store, sweep, job(), out.record, worker);
      } catch (err) {
        if (!(err instanceof ChildLostError || err instanceof ResultRefusedError || isJobError(err))) throw err;
        if (stopped() && !(err instanceof InputError)) return;
        const why = message(err);
        if (err instanceof InputError || tries > retries) {
          table.failJob(sweepId, jobId, why, worker);
          emit({ kind: "failed", job: job(), error: why });
          return;
        }
        const delayMs = backoffDelay(backoffMs, tries);
        table.retryJob(sweepId, jobId, why, worker);
        emit({ kind: "retry", job: job(), error: why, delayMs });
        await sleep(delayMs, undefined, { signal: o.signal }).catch(() => {});
        continue;
      }
      rmSync(scratch, { recursive: true, force: true });
      emit({ kind: "finished", job: job(), runId: stored.runId, duplicate: stored.duplicate });
      return;
    }
  };

  try {
    await Promise.all(table.jobs(sweepId, ["PENDING"]).map((j) => attempt(j.id)));
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    await pool.close();
  }
}
