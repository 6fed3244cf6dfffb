/**
 * Sweeps and their jobs in the run store (docs/sweeps.md §store). A job is keyed by (sweep, job
 * id) and points at most at one run (`run_id` is unique): `finishJob` records a job's result only
 * if none is recorded yet, so a result delivered twice — a worker that was thought dead and was
 * not — is stored once. The table lives on the store's own connection, so a job's run and the job's
 * completion commit in one transaction.
 */
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { processGone } from "../io/files.ts";
import { canonicalJson, newRunId } from "./codec.ts";
import { SweepReader, type JobEvent, type SweepRecord, type SweepStatus } from "./sweepReader.ts";

export interface NewJob {
  index: number;
  id: string;
  overrides: Record<string, unknown>;
  config: unknown;
}

/** Whether the coordinator `host:pid` may still be running: its process exists (this host) or its heartbeat is fresh. */
function ownerAlive(owner: string, beat: number, now: number, ttlS: number): boolean {
  const at = owner.lastIndexOf(":");
  const host = owner.slice(0, at),
    pid = Number(owner.slice(at + 1));
  return host === hostname() ? !processGone(pid) : now - beat < ttlS;
}

/** The sweeps' writes, on the writer's connection; the reads are inherited. */
export class SweepTable extends SweepReader {
  constructor(
    db: Database.Database,
    storePath: string,
    private readonly now: () => number,
  ) {
    super(db, storePath);
  }

  private tx<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).immediate();
  }

  /** Creates the sweep and all its jobs (PENDING) in one transaction. */
  createSweep(o: { name: string; spec: unknown; executor: string; jobs: readonly NewJob[] }): SweepRecord {
    const t = this.now();
    canonicalJson(o.spec, "sweep spec"); // finite numbers only
    const spec = JSON.stringify(o.spec); // in the spec's order: the grid's first path is the first axis
    return this.tx(() => {
      let id = newRunId();
      while (this.db.prepare("SELECT 1 FROM sweeps WHERE id = ?").get(id)) id = newRunId();
      this.db
        .prepare(
          "INSERT INTO sweeps (id, name, spec, executor, status, created, updated) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?)",
        )
        .run(id, o.name, spec, o.executor, t, t);
      const ins = this.db.prepare(
        `INSERT INTO sweep_jobs (sweep_id, job_id, idx, overrides, config, status, updated)
         VALUES (?, ?, ?, ?, ?, 'PENDING', ?)`,
      );
      for (const j of o.jobs) {
        canonicalJson(j.overrides, `job ${j.index}`); // finite numbers only
        // Overrides keep their order (the spec's), the config is canonical (its text is compared).
        ins.run(id, j.id, j.index, JSON.stringify(j.overrides), canonicalJson(j.config), t);
      }
      return this.sweep(id);
    });
  }

  /**
   * Makes this process the sweep's coordinator; InputError while another live one is (on this host:
   * its process exists; elsewhere: its heartbeat is younger than `ttlS`). One coordinator per sweep:
   * two would run every job twice.
   */
  claimSweep(sweepId: string, ttlS: number): void {
    const me = `${hostname()}:${process.pid}`;
    this.tx(() => {
      const r = this.db.prepare("SELECT owner, owner_heartbeat AS beat FROM sweeps WHERE id = ?").get(sweepId) as {
        owner: string | null;
        beat: number | null;
      };
      if (r.owner !== null && r.owner !== me && ownerAlive(r.owner, r.beat ?? 0, this.now(), ttlS))
        throw new InputError(
          `sweep ${sweepId} is being run by process ${r.owner} ` +
            `(heartbeat ${Math.round(this.now() - (r.beat ?? 0))} s ago); one coordinator per sweep`,
        );
      this.db.prepare("UPDATE sweeps SET owner = ?, owner_heartbeat = ? WHERE id = ?").run(me, this.now(), sweepId);
    });
  }

  /** A heartbeat of this process's claim (no-op if it no longer holds the sweep). */
  renewSweep(sweepId: string): void {
    this.db
      .prepare("UPDATE sweeps SET owner_heartbeat = ? WHERE id = ? AND owner = ?")
      .run(this.now(), sweepId, `${hostname()}:${process.pid}`);
  }

  releaseSweep(sweepId: string): void {
    this.db
      .prepare("UPDATE sweeps SET owner = NULL, owner_heartbeat = NULL WHERE id = ? AND owner = ?")
      .run(sweepId, `${hostname()}:${process.pid}`);
  }

  setSweepStatus(sweepId: string, status: SweepStatus, executor?: string): void {
    this.db
      .prepare("UPDATE sweeps SET status = ?, executor = coalesce(?, executor), updated = ? WHERE id = ?")
      .run(status, executor ?? null, this.now(), sweepId);
  }

  private update(sweepId: string, jobId: string, set: string, args: Record<string, unknown>, event?: JobEvent): void {
    const history = event ? `, history = json_insert(history, '$[#]', json(@event))` : "";
    this.db
      .prepare(`UPDATE sweep_jobs SET ${set}${history}, updated = @t WHERE sweep_id = @sweepId AND job_id = @jobId`)
      .run({ ...args, sweepId, jobId, t: this.now(), ...(event ? { event: JSON.stringify(event) } : {}) });
  }

  /** An attempt begins on `worker` (unless the job already has its result): it counts, whether or not it gets to train. */
  beginAttempt(sweepId: string, jobId: string, worker: string): void {
    this.tx(() => {
      if (this.job(sweepId, jobId).status === "FINISHED") return;
      this.update(
        sweepId,
        jobId,
        "status = 'RUNNING', attempts = attempts + 1, worker = @worker, error = NULL",
        { worker },
        { t: this.now(), what: "started", worker },
      );
    });
  }

  /** The attempt's training starts at `fromStep` (0: from scratch) of `totalSteps`; noted in its `started` entry. */
  startJob(sweepId: string, jobId: string, fromStep: number, totalSteps: number): void {
    this.db
      .prepare(
        `UPDATE sweep_jobs SET step = @fromStep, total_steps = @total, updated = @t,
           history = CASE WHEN json_extract(history, '$[#-1].what') = 'started'
             THEN json_set(history, '$[#-1].fromStep', @fromStep) ELSE history END
         WHERE sweep_id = @sweepId AND job_id = @jobId AND status = 'RUNNING'`,
      )
      .run({ sweepId, jobId, fromStep, total: totalSteps, t: this.now() });
  }

  progress(sweepId: string, jobId: string, step: number, totalSteps: number, worker?: string): void {
    this.update(
      sweepId,
      jobId,
      `step = @step, total_steps = @total, worker = coalesce(@worker, worker),
       status = CASE WHEN status = 'PENDING' THEN 'RUNNING' ELSE status END`,
      { step, total: totalSteps, worker: worker ?? null },
    );
  }

  /** An attempt ended without a result: the job goes to `status` with the error (unless it has its result). */
  private endAttempt(
    sweepId: string,
    jobId: string,
    status: "PENDING" | "FAILED",
    error: string,
    worker?: string,
  ): void {
    this.tx(() => {
      if (this.job(sweepId, jobId).status === "FINISHED") return;
      const what = status === "PENDING" ? "retry" : "failed";
      const event: JobEvent = { t: this.now(), what, error, ...(worker ? { worker } : {}) };
      this.update(sweepId, jobId, "status = @status, error = @error", { status, error }, event);
    });
  }

  /** An attempt failed and the job will be tried again: back to PENDING, the error kept. */
  retryJob(sweepId: string, jobId: string, error: string, worker?: string): void {
    this.endAttempt(sweepId, jobId, "PENDING", error, worker);
  }

  /** The job gave up: FAILED with its error (a job that has its result stays FINISHED). */
  failJob(sweepId: string, jobId: string, error: string, worker?: string): void {
    this.endAttempt(sweepId, jobId, "FAILED", error, worker);
  }

  /**
   * Records the job's result run; call inside the transaction that wrote the run. Returns false —
   * and records nothing — when the job already has a result (the caller then rolls its run back).
   */
  finishJob(sweepId: string, jobId: string, runId: string, worker?: string): boolean {
    if (!this.db.inTransaction) throw new Error("finishJob must run inside the transaction that wrote the run");
    if (this.job(sweepId, jobId).status === "FINISHED") return false;
    this.update(
      sweepId,
      jobId,
      "status = 'FINISHED', run_id = @runId, error = NULL, step = total_steps",
      { runId },
      { t: this.now(), what: "finished", run: runId, ...(worker ? { worker } : {}) },
    );
    return true;
  }

  /** Gives a run stored from a job's result the times it trained, not the time it was stored. */
  keepRunTimes(runId: string, startTime: number | null, endTime: number | null): void {
    this.db
      .prepare("UPDATE runs SET start_time = coalesce(?, start_time), end_time = coalesce(?, end_time) WHERE id = ?")
      .run(startTime, endTime, runId);
  }

  /** Notes that the job was put in the queue again (the queue had lost it). */
  noteRequeued(sweepId: string, jobId: string): void {
    this.update(sweepId, jobId, "attempts = attempts", {}, { t: this.now(), what: "requeued" });
  }

  /** Notes a second delivery of a finished job's result (not stored). */
  noteDuplicate(sweepId: string, jobId: string, worker?: string): void {
    this.update(
      sweepId,
      jobId,
      "attempts = attempts",
      {},
      {
        t: this.now(),
        what: "duplicate",
        ...(worker ? { worker } : {}),
      },
    );
  }

  /** For a resumed sweep: every job without a result is PENDING again (RUNNING ones lost their worker). */
  resetUnfinished(sweepId: string): number {
    return this.tx(() => {
      const open = this.jobs(sweepId, ["RUNNING", "FAILED"]);
      for (const j of open) this.update(sweepId, j.id, "status = 'PENDING'", {}, { t: this.now(), what: "reset" });
      this.setSweepStatus(sweepId, "RUNNING");
      return open.length;
    });
  }
}
