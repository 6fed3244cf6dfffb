/**
 * The read half of the SQLite run store: run lookup by id or unique prefix, listings, run details
 * and the logged series. Kept apart from the writes so each file stays small. `RunReader.open`
 * opens a store read-only (docs/store.md §readers): no write, no migration, no `PRAGMA optimize`.
 */
import type Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { fromStoredPath, legacyArtifactPath, storeFolder } from "./artifactPaths.ts";
import { decodeScalar } from "./codec.ts";
import { connectReadOnly } from "./connect.ts";
import { LEASE_TTL_S, ownerOf, staleReason } from "./lease.ts";
import { userVersion } from "./schema.ts";
import { SweepReader } from "./sweepReader.ts";
import type {
  Artifact,
  EventQuery,
  LastScalar,
  ListRunsQuery,
  RunDetail,
  RunEvent,
  RunOwner,
  RunStatus,
  RunSummary,
  ScalarPoint,
  ScalarQuery,
  SweepStoreReader,
} from "./types.ts";
import { checkLimit, checkName, checkStatus, checkStep } from "./validate.ts";

interface RunRow {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  seed: number | null;
  config_hash: string;
  created: number;
  start_time: number | null;
  end_time: number | null;
  heartbeat: number | null;
  error: string | null;
}
interface ScalarRow {
  key: string;
  step: number;
  wall_time: number;
  value: number | null;
  nonfinite: number;
}
interface EventRow {
  id: number;
  step: number;
  wall_time: number;
  kind: string;
  payload: string;
}

const RUN_COLUMNS = `r.id, r.name, e.name AS experiment, r.status, r.seed, r.config_hash, r.created,
  r.start_time, r.end_time, r.heartbeat, r.error FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

/** How many candidates an "ambiguous prefix" message lists. */
const AMBIGUOUS_SHOWN = 5;

export class RunReader implements SweepStoreReader {
  /** Full ids already seen to exist: the hot logging path then skips the lookup. */
  private readonly knownIds = new Set<string>();
  /** Folder that relative artifact paths are resolved against. */
  protected readonly storeDir: string;
  private sweepReader: SweepReader | undefined;

  protected constructor(
    protected readonly db: Database.Database,
    readonly path: string,
  ) {
    this.storeDir = storeFolder(path);
  }

  /** The sweeps and their jobs, read on this connection. */
  sweeps(): SweepReader {
    return (this.sweepReader ??= new SweepReader(this.db, this.path));
  }

  /** Opens the store at `path` read-only; null when the file holds no store yet. InputError when missing or damaged. */
  static openReadOnly(path: string): RunReader | null {
    const db = connectReadOnly(path);
    return db && new RunReader(db, path);
  }

  /** A stored JSON text, or an InputError naming the store when it is damaged. */
  protected parseJson(text: string, what: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new InputError(
        `store ${this.path}: ${what} is not valid JSON (${(err as Error).message}); the file is damaged`,
      );
    }
  }

  resolveRunId(ref: string): string {
    if (this.knownIds.has(ref)) return ref;
    checkName(ref, "run id");
    const exact = this.db.prepare("SELECT id FROM runs WHERE id = ?").pluck().get(ref) as string | undefined;
    if (exact !== undefined) {
      this.knownIds.add(exact);
      return exact;
    }
    const matches = this.db
      .prepare("SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT ?")
      .pluck()
      .all(ref.length, ref, AMBIGUOUS_SHOWN + 1) as string[];
    if (matches.length === 0) {
      const named = this.newestNamed(ref);
      if (named !== undefined) return named;
      throw new InputError(`no run "${ref}" in store ${this.path}`);
    }
    if (matches.length > 1) {
      const shown = matches.slice(0, AMBIGUOUS_SHOWN).join(", ") + (matches.length > AMBIGUOUS_SHOWN ? ", …" : "");
      throw new InputError(
        `run id prefix "${ref}" is ambiguous in store ${this.path}: it matches ${shown}; give more characters`,
      );
    }
    return matches[0];
  }

  /**
   * The newest run named `ref` — or, for `latest`, the newest run of all — when no id starts with
   * `ref` (docs/store.md §run-references): names are reused by every run of one config.
   */
  private newestNamed(ref: string): string | undefined {
    const byName = this.db
      .prepare("SELECT id FROM runs WHERE name = ? ORDER BY created DESC, rowid DESC LIMIT 1")
      .pluck()
      .get(ref) as string | undefined;
    if (byName !== undefined || ref !== "latest") return byName;
    return this.db.prepare("SELECT id FROM runs ORDER BY created DESC, rowid DESC LIMIT 1").pluck().get() as
      string | undefined;
  }

  /** Drops a deleted run from the id cache. */
  protected forget(id: string): void {
    this.knownIds.delete(id);
  }

  protected summary(id: string): RunSummary {
    return toSummary(this.db.prepare(`SELECT ${RUN_COLUMNS} WHERE r.id = ?`).get(id) as RunRow);
  }

  /** Newest first. */
  listRuns(query: ListRunsQuery = {}): RunSummary[] {
    const rows = this.db
      .prepare(
        `SELECT ${RUN_COLUMNS}
       WHERE (@status IS NULL OR r.status = @status) AND (@experiment IS NULL OR e.name = @experiment)
       ORDER BY r.created DESC, r.rowid DESC LIMIT @limit`,
      )
      .all({
        status: query.status === undefined ? null : checkStatus(query.status),
        experiment: query.experiment ?? null,
        limit: checkLimit(query.limit),
      }) as RunRow[];
    return rows.map(toSummary);
  }

  getRun(ref: string): RunDetail {
    const id = this.resolveRunId(ref);
    const read = this.db.transaction(() => {
      const config = this.db.prepare("SELECT config FROM runs WHERE id = ?").pluck().get(id) as string;
      const params: Record<string, unknown> = {};
      for (const r of this.db.prepare("SELECT key, value FROM params WHERE run_id = ? ORDER BY key").all(id) as {
        key: string;
        value: string;
      }[]) {
        params[r.key] = this.parseJson(r.value, `run ${id} param ${r.key}`);
      }
      const tags: Record<string, string> = {};
      for (const r of this.db.prepare("SELECT key, value FROM tags WHERE run_id = ? ORDER BY key").all(id) as {
        key: string;
        value: string;
      }[]) {
        tags[r.key] = r.value;
      }
      const lastScalars: Record<string, LastScalar> = {};
      const last = this.db.prepare(
        "SELECT key, step, wall_time, value, nonfinite FROM scalars WHERE run_id = ? AND key = ? ORDER BY step DESC, rowid DESC LIMIT 1",
      );
      for (const key of this.scalarKeys(id)) {
        const p = toPoint(last.get(id, key) as ScalarRow);
        lastScalars[key] = { step: p.step, wallTime: p.wallTime, value: p.value };
      }
      const eventCounts: Record<string, number> = {};
      for (const r of this.db
        .prepare("SELECT kind, count(*) AS n FROM events WHERE run_id = ? GROUP BY kind ORDER BY kind")
        .all(id) as { kind: string; n: number }[]) {
        eventCounts[r.kind] = r.n;
      }
      const count = (table: string) =>
        this.db.prepare(`SELECT count(*) FROM ${table} WHERE run_id = ?`).pluck().get(id) as number;
      return {
        ...this.summary(id),
        config: this.parseJson(config, `run ${id} config`),
        params,
        tags,
        lastScalars,
        scalarCount: count("scalars"),
        eventCounts,
        artifactCount: count("artifacts"),
      };
    });
    // One read transaction: a consistent snapshot even while a writer is logging.
    return read.deferred();
  }

  scalars(ref: string, key?: string, query: ScalarQuery = {}): ScalarPoint[] {
    const [stmt, args] = this.scalarQuery(ref, key, query);
    return (stmt.all(...args) as ScalarRow[]).map(toPoint);
  }

  *iterScalars(ref: string, key?: string, query: ScalarQuery = {}): IterableIterator<ScalarPoint> {
    const [stmt, args] = this.scalarQuery(ref, key, query);
    for (const row of stmt.iterate(...args)) yield toPoint(row as ScalarRow);
  }

  private scalarQuery(ref: string, key: string | undefined, query: ScalarQuery): [Database.Statement, unknown[]] {
    const id = this.resolveRunId(ref);
    const since = query.sinceStep === undefined ? -Infinity : checkStep(query.sinceStep, "sinceStep");
    const columns = "SELECT key, step, wall_time, value, nonfinite FROM scalars";
    return key === undefined
      ? [this.db.prepare(`${columns} WHERE run_id = ? AND step > ? ORDER BY step, key, rowid`), [id, since]]
      : [
          this.db.prepare(`${columns} WHERE run_id = ? AND key = ? AND step > ? ORDER BY step, rowid`),
          [id, key, since],
        ];
  }

  /** Distinct keys in sorted order, by skip-scanning the (run, key, step) index: O(keys · log n), not O(n). */
  scalarKeys(ref: string): string[] {
    const id = this.resolveRunId(ref);
    return this.db
      .prepare(
        `WITH RECURSIVE k(key) AS (
         SELECT min(key) FROM scalars WHERE run_id = @id
         UNION ALL
         SELECT (SELECT min(key) FROM scalars WHERE run_id = @id AND key > k.key) FROM k WHERE k.key IS NOT NULL
       ) SELECT key FROM k WHERE key IS NOT NULL`,
      )
      .pluck()
      .all({ id }) as string[];
  }

  events(ref: string, query: EventQuery = {}): RunEvent[] {
    const id = this.resolveRunId(ref);
    const rows = this.db
      .prepare(
        `SELECT id, step, wall_time, kind, payload FROM events
       WHERE run_id = @id AND (@kind IS NULL OR kind = @kind) AND step > @since ORDER BY step, id`,
      )
      .all({
        id,
        kind: query.kind ?? null,
        since: query.sinceStep === undefined ? -Infinity : checkStep(query.sinceStep, "sinceStep"),
      }) as EventRow[];
    return rows.map((r) => ({
      id: r.id,
      step: r.step,
      wallTime: r.wall_time,
      kind: r.kind,
      payload: this.parseJson(r.payload, `run ${id} event ${r.id}`) as Record<string, unknown>,
    }));
  }

  artifacts(ref: string): Artifact[] {
    const id = this.resolveRunId(ref);
    const rows = this.db
      .prepare("SELECT id, name, kind, path, bytes, sha256, created FROM artifacts WHERE run_id = ? ORDER BY id")
      .all(id) as Artifact[];
    // Schema 1 stored paths relative to the writer's working directory (read-only readers do not migrate).
    const legacy = userVersion(this.db) < 2;
    return rows.map((a) => ({
      ...a,
      path: legacy ? legacyArtifactPath(this.path, id, a.path) : fromStoredPath(this.storeDir, a.path),
    }));
  }

  owner(ref: string): RunOwner | null {
    const id = this.resolveRunId(ref);
    if (userVersion(this.db) < 2) return null;
    const row = ownerOf(this.db, id);
    if (!row) return null;
    const { token: _token, ...owner } = row;
    return owner;
  }

  /**
   * Why a run the store calls RUNNING is not running any more — its lease is stale (the owner's
   * process is gone or its heartbeat expired) or nobody holds one — or null for a live run and for
   * any other status (docs/store.md §leases). `runs list` shows such a run as STALE.
   */
  stale(ref: string, now = Date.now() / 1000): string | null {
    const id = this.resolveRunId(ref);
    const run = this.summary(id);
    if (run.status !== "RUNNING") return null;
    if (userVersion(this.db) < 2) {
      // Schema 1 had no leases: only the heartbeat tells.
      const beat = run.heartbeat ?? run.startTime ?? run.created;
      return now - beat > LEASE_TTL_S ? `no heartbeat for ${Math.round(now - beat)} s` : null;
    }
    const owner = ownerOf(this.db, id);
    if (!owner) return "no process owns it";
    const reason = staleReason(owner, now);
    return reason === null ? null : `its owner is gone: ${reason}`;
  }

  close(): void {
    this.db.close();
  }
}

function toSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    name: r.name,
    experiment: r.experiment,
    status: r.status,
    seed: r.seed,
    configHash: r.config_hash,
    created: r.created,
    startTime: r.start_time,
    endTime: r.end_time,
    heartbeat: r.heartbeat,
    error: r.error,
  };
}

function toPoint(r: ScalarRow): ScalarPoint {
  return { key: r.key, step: r.step, wallTime: r.wall_time, value: decodeScalar(r.value, r.nonfinite) };
}
