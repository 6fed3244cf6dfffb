/**
 * The read side of the sweeps in the run store (docs/sweeps.md §store): a sweep by id or unique
 * prefix, the list of sweeps, a sweep's jobs and their counts. `RunReader.sweeps()` serves it on a
 * read-only connection; the writer's `SweepTable` (./sweeps.ts) extends it. A store written before
 * the sweeps tables existed (schema < 3) and opened read-only is not migrated: it has no sweep.
 */
import type Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { userVersion } from "./schema.ts";

/** The schema version whose migration created the `sweeps` and `sweep_jobs` tables (./schema.ts). */
const SWEEPS_SCHEMA_VERSION = 3;

export type SweepStatus = "RUNNING" | "FINISHED" | "INTERRUPTED";
export type JobStatus = "PENDING" | "RUNNING" | "FINISHED" | "FAILED";

export interface SweepRecord {
  id: string;
  name: string;
  spec: unknown;
  executor: string;
  status: SweepStatus;
  created: number;
  updated: number;
}

/** One line of a job's history: what happened, when, where. */
export interface JobEvent {
  t: number;
  what: "started" | "retry" | "failed" | "finished" | "duplicate" | "reset" | "requeued";
  worker?: string;
  /** The step a started attempt continues from (0: from scratch). */
  fromStep?: number;
  error?: string;
  run?: string;
}

export interface JobRecord {
  sweepId: string;
  id: string;
  index: number;
  overrides: Record<string, unknown>;
  config: unknown;
  status: JobStatus;
  runId: string | null;
  attempts: number;
  step: number | null;
  totalSteps: number | null;
  worker: string | null;
  error: string | null;
  history: JobEvent[];
  updated: number;
}

export type JobCounts = Record<JobStatus, number> & { total: number };

interface JobRow {
  sweep_id: string;
  job_id: string;
  idx: number;
  overrides: string;
  config: string;
  status: JobStatus;
  run_id: string | null;
  attempts: number;
  step: number | null;
  total_steps: number | null;
  worker: string | null;
  error: string | null;
  history: string;
  updated: number;
}

const toJob = (r: JobRow): JobRecord => ({
  sweepId: r.sweep_id,
  id: r.job_id,
  index: r.idx,
  overrides: JSON.parse(r.overrides),
  config: JSON.parse(r.config),
  status: r.status,
  runId: r.run_id,
  attempts: r.attempts,
  step: r.step,
  totalSteps: r.total_steps,
  worker: r.worker,
  error: r.error,
  history: JSON.parse(r.history),
  updated: r.updated,
});

function malformedSweepRef(ref: string): InputError | undefined {
  return /^[0-9a-f]{1,12}$/.test(ref) ? undefined : new InputError(`sweep id: expected hex digits, got "${ref}"`);
}

/**
 * The error for a reference to a sweep the store at `storePath` does not hold — also when it has
 * no sweeps tables (a store older than sweeps) or no store yet (an empty file); for a malformed
 * reference, the error saying so.
 */
export function unknownSweep(ref: string, storePath: string): InputError {
  return malformedSweepRef(ref) ?? new InputError(`no sweep "${ref}" in store ${storePath}`);
}

export class SweepReader {
  /** Set once the tables are seen: a writer may migrate the store while this reader is open, never back. */
  private tablesSeen = false;

  constructor(
    protected readonly db: Database.Database,
    protected readonly storePath: string,
  ) {}

  /** Whether the store has the sweeps tables (a writer's store always does: it is migrated when opened). */
  private hasTables(): boolean {
    return (this.tablesSeen ||= userVersion(this.db) >= SWEEPS_SCHEMA_VERSION);
  }

  /** Full id of the sweep an id or unique prefix names. */
  resolveSweepId(ref: string): string {
    const malformed = malformedSweepRef(ref);
    if (malformed) throw malformed;
    const ids = this.hasTables()
      ? (this.db
          .prepare("SELECT id FROM sweeps WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 6")
          .pluck()
          .all(ref.length, ref) as string[])
      : [];
    if (ids.length === 0) throw unknownSweep(ref, this.storePath);
    if (ids.length > 1 && !ids.includes(ref))
      throw new InputError(
        `sweep id prefix "${ref}" is ambiguous in store ${this.storePath}: it matches ${ids.join(", ")}`,
      );
    return ids.includes(ref) ? ref : ids[0];
  }

  sweep(ref: string): SweepRecord {
    const id = this.resolveSweepId(ref); // before the query is prepared: a store without the table has no sweep
    const r = this.db
      .prepare("SELECT id, name, spec, executor, status, created, updated FROM sweeps WHERE id = ?")
      .get(id) as Omit<SweepRecord, "spec"> & { spec: string };
    return { ...r, spec: JSON.parse(r.spec) };
  }

  /** Newest first. */
  listSweeps(): SweepRecord[] {
    if (!this.hasTables()) return [];
    return (
      this.db
        .prepare(
          "SELECT id, name, spec, executor, status, created, updated FROM sweeps ORDER BY created DESC, rowid DESC",
        )
        .all() as (Omit<SweepRecord, "spec"> & { spec: string })[]
    ).map((r) => ({ ...r, spec: JSON.parse(r.spec) }));
  }

  /** The jobs in expansion order (optionally only those with one of `statuses`). */
  jobs(sweepId: string, statuses?: readonly JobStatus[]): JobRecord[] {
    if (!this.hasTables()) return [];
    const rows = this.db.prepare("SELECT * FROM sweep_jobs WHERE sweep_id = ? ORDER BY idx").all(sweepId) as JobRow[];
    return rows.map(toJob).filter((j) => !statuses || statuses.includes(j.status));
  }

  job(sweepId: string, jobId: string): JobRecord {
    const r = this.hasTables()
      ? (this.db.prepare("SELECT * FROM sweep_jobs WHERE sweep_id = ? AND job_id = ?").get(sweepId, jobId) as
          JobRow | undefined)
      : undefined;
    if (!r) throw new InputError(`sweep ${sweepId} has no job ${jobId}`);
    return toJob(r);
  }

  counts(sweepId: string): JobCounts {
    const c: JobCounts = { PENDING: 0, RUNNING: 0, FINISHED: 0, FAILED: 0, total: 0 };
    if (!this.hasTables()) return c;
    for (const r of this.db
      .prepare("SELECT status, count(*) AS n FROM sweep_jobs WHERE sweep_id = ? GROUP BY status")
      .all(sweepId) as { status: JobStatus; n: number }[]) {
      c[r.status] = r.n;
      c.total += r.n;
    }
    return c;
  }
}
