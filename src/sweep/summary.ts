/**
 * Where a sweep stands, from the store alone (docs/sweeps.md §status): the `--json` object of
 * `shocklens sweep` and `sweep status`, and the table `sweep status` prints.
 */
import type { SweepStoreReader } from "../store/types.ts";
import type { JobRecord, SweepStatus } from "../store/sweepReader.ts";
import { describeOverrides } from "./expand.ts";

export interface SweepSummary {
  sweep: string;
  name: string;
  status: SweepStatus;
  jobs: number;
  finished: number;
  failed: number;
  /** Finished jobs whose run diverged (a result: the run is FAILED with a divergence event). */
  diverged: number;
  running: number;
  pending: number;
  /** The run of every finished job, in job order. */
  runs: string[];
  store: string;
  executor: string;
}

export function summarizeSweep(store: Pick<SweepStoreReader, "sweeps" | "getRun" | "path">, ref: string): SweepSummary {
  const table = store.sweeps();
  const sweep = table.sweep(ref);
  const jobs = table.jobs(sweep.id);
  const runs = jobs.filter((j) => j.status === "FINISHED" && j.runId !== null).map((j) => j.runId as string);
  const count = (s: JobRecord["status"]) => jobs.filter((j) => j.status === s).length;
  return {
    sweep: sweep.id,
    name: sweep.name,
    status: sweep.status,
    jobs: jobs.length,
    finished: count("FINISHED"),
    failed: count("FAILED"),
    diverged: runs.filter((id) => store.getRun(id).status === "FAILED").length,
    running: count("RUNNING"),
    pending: count("PENDING"),
    runs,
    store: store.path,
    executor: sweep.executor,
  };
}

/** The jobs as `sweep status --json` lists them. */
export function jobStatus(j: JobRecord) {
  return {
    index: j.index,
    job: j.id,
    status: j.status,
    overrides: j.overrides,
    run: j.runId,
    attempts: j.attempts,
    step: j.step,
    totalSteps: j.totalSteps,
    worker: j.worker,
    error: j.error,
    history: j.history,
  };
}

function progress(j: JobRecord): string {
  if (j.step === null || j.totalSteps === null) return "—";
  return `${j.step}/${j.totalSteps}`;
}

/** A header, then one line per job: index, status, progress, attempts, run, point, and the last error. */
export function formatSweepStatus(s: SweepSummary, jobs: readonly JobRecord[]): string {
  const lines = [
    `sweep     ${s.sweep} (${s.name}) ${s.status}, ${s.executor}`,
    `jobs      ${s.jobs}: ${s.finished} finished (${s.diverged} diverged), ${s.failed} failed, ${s.running} running, ${s.pending} pending`,
    "",
  ];
  const rows = jobs.map((j) => [
    String(j.index),
    j.status,
    progress(j),
    String(j.attempts),
    j.runId ?? "—",
    describeOverrides(j.overrides) + (j.error ? `   [${j.error}]` : ""),
  ]);
  const head = ["job", "status", "step", "tries", "run", "point"];
  const width = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((v, c) => (c === r.length - 1 ? v : v.padEnd(width[c])))
      .join("  ")
      .trimEnd();
  lines.push(line(head), ...rows.map(line));
  return lines.join("\n") + "\n";
}
