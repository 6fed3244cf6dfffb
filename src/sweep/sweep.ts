/**
 * A sweep from start to end (docs/sweeps.md): expand the spec and record the sweep with all its
 * jobs PENDING (a bad spec records nothing), run the pending jobs on an executor — a local process
 * pool, or workers on other machines through a queue — and mark the sweep FINISHED once every job
 * has ended (finished or failed), INTERRUPTED otherwise. `prepareResume` makes every job without a
 * result pending again; finished jobs are never run twice.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { SqliteRunStore } from "../store/sqlite.ts";
import type { SweepRecord } from "../store/sweepReader.ts";
import type { JobPlan } from "./expand.ts";
import { type ExecuteOptions, runLocal } from "./local.ts";
import { parseSweepSpec, type SweepSpec } from "./spec.ts";
import { type SweepSummary, summarizeSweep } from "./summary.ts";

export type Executor =
  | { kind: "local"; workers: number }
  | {
      kind: "queue";
      /** redis://HOST:PORT[/DB] */
      url: string;
      run(o: ExecuteOptions): Promise<void>;
    };

/** How the sweeps table names an executor (a queue's address without credentials). */
export function executorLabel(e: Executor): string {
  if (e.kind === "local") return "local";
  const u = new URL(e.url);
  return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
}

/** Records a new sweep with its jobs (from `expandSweep`, which validates them: call it before opening the store). */
export function createSweep(
  store: SqliteRunStore,
  spec: SweepSpec,
  jobs: readonly JobPlan[],
  executor: Executor,
): SweepRecord {
  return store.sweeps().createSweep({ name: spec.name, spec, executor: executorLabel(executor), jobs });
}

/** Seconds a coordinator's claim on a sweep lives without a heartbeat (seen from other hosts). */
export const SWEEP_CLAIM_TTL_S = 60;
const HEARTBEAT_MS = 5000;

/** Every job without a result becomes PENDING again; scratch folders of finished jobs left by a crash are removed. */
function prepareResume(store: SqliteRunStore, ref: string): SweepRecord {
  const table = store.sweeps();
  const sweep = table.sweep(ref);
  table.resetUnfinished(sweep.id);
  const root = join(`${store.path}.sweeps`, sweep.id);
  if (existsSync(root)) {
    const finished = new Set(table.jobs(sweep.id, ["FINISHED"]).map((j) => j.id));
    for (const name of readdirSync(root))
      if (finished.has(name)) rmSync(join(root, name), { recursive: true, force: true });
  }
  return table.sweep(sweep.id);
}

/**
 * Runs the sweep's pending jobs as its one coordinator (InputError while another process is);
 * `resume` first makes every job without a result pending again.
 */
export async function executeSweep(
  store: SqliteRunStore,
  sweepId: string,
  executor: Executor,
  o: Omit<ExecuteOptions, "store" | "sweepId" | "deadline"> & { resume?: boolean } = {},
): Promise<SweepSummary> {
  const table = store.sweeps();
  const id = table.resolveSweepId(sweepId);
  table.claimSweep(id, SWEEP_CLAIM_TTL_S);
  const beat = setInterval(() => table.renewSweep(id), HEARTBEAT_MS).unref();
  try {
    if (o.resume) prepareResume(store, id);
    return await execute(store, id, executor, o);
  } finally {
    clearInterval(beat);
    table.releaseSweep(id);
  }
}

async function execute(
  store: SqliteRunStore,
  sweepId: string,
  executor: Executor,
  o: Omit<ExecuteOptions, "store" | "sweepId" | "deadline">,
): Promise<SweepSummary> {
  const table = store.sweeps();
  const sweep = table.sweep(sweepId);
  const seconds = parseSweepSpec(sweep.spec, `sweep ${sweep.id} spec`).budget?.seconds;
  const run: ExecuteOptions = {
    ...o,
    store,
    sweepId: sweep.id,
    deadline: seconds === undefined ? undefined : Date.now() + seconds * 1000,
  };
  table.setSweepStatus(sweep.id, "RUNNING", executorLabel(executor));
  try {
    if (executor.kind === "local") await runLocal({ ...run, workers: executor.workers });
    else await executor.run(run);
  } finally {
    const c = table.counts(sweep.id);
    table.setSweepStatus(sweep.id, c.PENDING + c.RUNNING === 0 ? "FINISHED" : "INTERRUPTED");
  }
  return summarizeSweep(store, sweep.id);
}
