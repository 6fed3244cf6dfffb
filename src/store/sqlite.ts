/**
 * `RunStore` on SQLite (better-sqlite3, WAL mode). One writer and any number of readers, in this
 * process or others, work concurrently: readers see every committed write, a killed writer loses
 * only its uncommitted transaction. Every point is stored as logged, nothing is down-sampled.
 */
import { resolve } from "node:path";
import type Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { toStoredPath } from "./artifactPaths.ts";
import { canonicalJson, encodeScalar, flattenParams, newRunId, sha256Hex, toJson } from "./codec.ts";
import { connect } from "./connect.ts";
import { acquireLease, checkLease, LEASE_TTL_S, releaseLease, renewLease } from "./lease.ts";
import { RunReader } from "./reader.ts";
import { SweepTable } from "./sweeps.ts";
import type {
  Artifact,
  ArtifactInput,
  CreateRunOptions,
  EventInput,
  Experiment,
  Lease,
  RunEvent,
  RunStatus,
  RunStore,
  RunSummary,
} from "./types.ts";
import {
  checkEventKind,
  checkName,
  checkSeed,
  checkStatus,
  checkStep,
  checkTransition,
  checkWallTime,
  fileDigest,
} from "./validate.ts";

export interface OpenOptions {
  /** Clock in Unix seconds; injectable so tests and replays get exact wall times. */
  now?: () => number;
  /** How long a write waits for another writer's lock (default 60 s) before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Seconds a run's lease lives without a heartbeat (default 300). */
  leaseTtlS?: number;
}

export class SqliteRunStore extends RunReader implements RunStore {
  private readonly now: () => number;
  private readonly leaseTtlS: number;
  private readonly insertScalar: Database.Statement;
  private readonly insertScalars: (id: string, step: number, values: [string, number][], wallTime: number) => void;
  private sweepTable: SweepTable | undefined;

  private constructor(db: Database.Database, path: string, options: OpenOptions) {
    super(db, path);
    this.now = options.now ?? (() => Date.now() / 1000);
    this.leaseTtlS = options.leaseTtlS ?? LEASE_TTL_S;
    this.insertScalar = db.prepare(
      "INSERT INTO scalars (run_id, key, step, wall_time, value, nonfinite) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const insertAll = (id: string, step: number, values: [string, number][], wallTime: number) => {
      for (const [key, v] of values) {
        const [value, flag] = encodeScalar(v);
        this.insertScalar.run(id, key, step, wallTime, value, flag);
      }
    };
    const tx = db.transaction(insertAll);
    // Inside a caller's transaction the rows join it directly: a savepoint per step would cost
    // more than the inserts, and the outer transaction already makes them atomic.
    this.insertScalars = (...args) => (db.inTransaction ? insertAll(...args) : tx.immediate(...args));
  }

  /** Opens the store at `path` (creating the file and its directory if needed) and migrates it. */
  static open(path: string, options: OpenOptions = {}): SqliteRunStore {
    return new SqliteRunStore(connect(path, { busyTimeoutMs: options.busyTimeoutMs }), path, options);
  }

  /** The sweeps and their jobs, on this connection: a job's result run and its completion commit together. */
  override sweeps(): SweepTable {
    return (this.sweepTable ??= new SweepTable(this.db, this.path, this.now));
  }

  transaction<T>(fn: () => T): T {
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can
    // fail with SQLITE_BUSY without waiting when another process committed in between.
    return this.db.transaction(fn).immediate();
  }

  createExperiment(name: string): Experiment {
    checkName(name, "experiment");
    const existing = this.findExperiment(name);
    if (existing) throw new InputError(`experiment "${name}" already exists in store ${this.path}`);
    return this.getOrCreateExperiment(name);
  }

  getOrCreateExperiment(name: string): Experiment {
    checkName(name, "experiment");
    this.db
      .prepare("INSERT INTO experiments (name, created) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
      .run(name, this.now());
    return this.findExperiment(name) as Experiment;
  }

  private findExperiment(name: string): Experiment | undefined {
    return this.db.prepare("SELECT id, name, created FROM experiments WHERE name = ?").get(name) as
      Experiment | undefined;
  }

  createRun(options: CreateRunOptions): RunSummary {
    const name = checkName(options.name, "run name");
    const experiment = options.experiment ?? "default";
    const config = canonicalJson(options.config ?? {});
    const seed = checkSeed(options.seed);
    const status = checkStatus(options.status ?? "RUNNING");
    if (status !== "RUNNING" && status !== "SCHEDULED")
      throw new InputError(`status: a new run is SCHEDULED or RUNNING, got ${status}`);
    const params = flattenParams(options.params ?? JSON.parse(config));
    const paramRows = Object.entries(params).map(([k, v]) => [k, canonicalJson(v, `params.${k}`)]);
    const tags = Object.entries(options.tags ?? {}).map(([k, v]) => [
      checkName(k, "tag key"),
      checkName(v, `tags.${k}`),
    ]);
    const created = this.now();
    const id = this.transaction(() => {
      const exp = this.getOrCreateExperiment(experiment);
      const id = this.insertRunRow(exp.id, name, status, config, seed, created);
      const p = this.db.prepare("INSERT INTO params (run_id, key, value) VALUES (?, ?, ?)");
      for (const [k, v] of paramRows) p.run(id, k, v);
      const t = this.db.prepare("INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?)");
      for (const [k, v] of tags) t.run(id, k, v);
      return id;
    });
    return this.summary(id);
  }

  startRun(options: CreateRunOptions): { run: RunSummary; lease: Lease } {
    if ((options.status ?? "RUNNING") !== "RUNNING")
      throw new InputError(`status: a started run is RUNNING, got ${options.status}`);
    return this.transaction(() => {
      const run = this.createRun(options);
      return { run, lease: acquireLease(this.db, run.id, this.now(), this.leaseTtlS) };
    });
  }

  claimRun(ref: string): Lease {
    const id = this.resolveRunId(ref);
    return this.transaction(() => {
      const status = this.db.prepare("SELECT status FROM runs WHERE id = ?").pluck().get(id) as RunStatus;
      if (status !== "RUNNING" && status !== "KILLED")
        throw new InputError(
          `run ${id} is ${status}; only a KILLED (interrupted) or RUNNING (crashed) run can be resumed`,
        );
      return acquireLease(this.db, id, this.now(), this.leaseTtlS);
    });
  }

  renewLease(lease: Lease): void {
    const now = this.now();
    this.transaction(() => {
      renewLease(this.db, lease, now, this.leaseTtlS);
      this.db.prepare("UPDATE runs SET heartbeat = ? WHERE id = ?").run(now, lease.runId);
    });
  }

  checkLease(lease: Lease): void {
    checkLease(this.db, lease, this.now());
  }

  releaseLease(lease: Lease): void {
    releaseLease(this.db, lease);
  }

  /** Inserts the run row under a fresh id, drawing again on the (2^-48-rare) collision. */
  private insertRunRow(
    experimentId: number,
    name: string,
    status: RunStatus,
    config: string,
    seed: number | null,
    created: number,
  ): string {
    const insert = this.db.prepare(
      `INSERT INTO runs (id, experiment_id, name, status, config, config_hash, seed, created, start_time)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    for (;;) {
      const id = newRunId();
      const r = insert.run(
        id,
        experimentId,
        name,
        status,
        config,
        sha256Hex(config),
        seed,
        created,
        status === "RUNNING" ? created : null,
      );
      if (r.changes === 1) return id;
    }
  }

  setStatus(ref: string, status: RunStatus, options: { error?: string } = {}): void {
    checkStatus(status);
    const id = this.resolveRunId(ref);
    this.transaction(() => {
      const from = this.db.prepare("SELECT status FROM runs WHERE id = ?").pluck().get(id) as RunStatus;
      checkTransition(id, from, status);
      const now = this.now();
      this.db
        .prepare(
          `UPDATE runs SET status = @status, error = coalesce(@error, error),
           start_time = CASE WHEN @status = 'RUNNING' THEN @now ELSE start_time END,
           end_time = CASE WHEN @status IN ('FINISHED', 'FAILED', 'KILLED') THEN @now WHEN @status = 'RUNNING' THEN NULL ELSE end_time END
         WHERE id = @id`,
        )
        .run({ id, status, now, error: options.error ?? null });
    });
  }

  heartbeat(ref: string): void {
    this.db.prepare("UPDATE runs SET heartbeat = ? WHERE id = ?").run(this.now(), this.resolveRunId(ref));
  }

  setTag(ref: string, key: string, value: string): void {
    checkName(key, "tag key");
    checkName(value, `tags.${key}`);
    this.db
      .prepare(
        "INSERT INTO tags (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
      )
      .run(this.resolveRunId(ref), key, value);
  }

  logScalars(ref: string, step: number, values: Record<string, number>, wallTime?: number): void {
    const id = this.resolveRunId(ref);
    checkStep(step);
    const t = wallTime === undefined ? this.now() : checkWallTime(wallTime);
    const entries = Object.entries(values);
    for (const [key, v] of entries) {
      checkName(key, "scalar key");
      if (typeof v !== "number")
        throw new InputError(`scalar "${key}" at step ${step}: expected a number, got ${typeof v}`);
    }
    this.insertScalars(id, step, entries, t);
  }

  logEvent(ref: string, event: EventInput): RunEvent {
    const id = this.resolveRunId(ref);
    const step = checkStep(event.step, "event step");
    const kind = checkEventKind(event.kind);
    const wallTime = event.wallTime === undefined ? this.now() : checkWallTime(event.wallTime, "event wallTime");
    const payload = event.payload ?? {};
    if (typeof payload !== "object" || payload === null || Array.isArray(payload))
      throw new InputError(`event payload: expected a JSON object`);
    const text = toJson(payload);
    const r = this.db
      .prepare("INSERT INTO events (run_id, step, wall_time, kind, payload) VALUES (?, ?, ?, ?, ?)")
      .run(id, step, wallTime, kind, text);
    return { id: Number(r.lastInsertRowid), step, wallTime, kind, payload: JSON.parse(text) };
  }

  addArtifact(ref: string, artifact: ArtifactInput): Artifact {
    const id = this.resolveRunId(ref);
    const name = checkName(artifact.name, "artifact name");
    const kind = checkName(artifact.kind, "artifact kind");
    const path = checkName(artifact.path, "artifact path");
    const stored = toStoredPath(this.storeDir, path);
    const digest =
      artifact.bytes !== undefined && artifact.sha256 !== undefined
        ? { bytes: artifact.bytes, sha256: artifact.sha256 }
        : fileDigest(path);
    if (!Number.isSafeInteger(digest.bytes) || digest.bytes < 0)
      throw new InputError(`artifact ${name}: bytes must be a non-negative integer`);
    if (!/^[0-9a-f]{64}$/.test(digest.sha256))
      throw new InputError(`artifact ${name}: sha256 must be 64 lowercase hex digits`);
    const created = this.now();
    const r = this.transaction(() => {
      this.db.prepare("DELETE FROM artifacts WHERE run_id = ? AND path = ?").run(id, stored);
      return this.db
        .prepare(
          "INSERT INTO artifacts (run_id, name, kind, path, bytes, sha256, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .run(id, name, kind, stored, digest.bytes, digest.sha256, created);
    });
    return { id: Number(r.lastInsertRowid), name, kind, path: resolve(path), ...digest, created };
  }

  removeArtifact(ref: string, path: string): void {
    this.db
      .prepare("DELETE FROM artifacts WHERE run_id = ? AND path = ?")
      .run(this.resolveRunId(ref), toStoredPath(this.storeDir, path));
  }

  deleteRun(ref: string): void {
    const id = this.resolveRunId(ref);
    this.db.prepare("DELETE FROM runs WHERE id = ?").run(id);
    this.forget(id);
  }

  override close(): void {
    if (!this.db.open) return;
    try {
      // SQLite's advice for long-lived files: refresh planner statistics on close. Best effort and
      // without waiting: a busy or failing store must not turn a finished command into an error.
      this.db.pragma("busy_timeout = 0");
      this.db.pragma("optimize");
    } catch {
      // Statistics are an optimisation; the data is committed already.
    } finally {
      this.db.close();
    }
  }
}
