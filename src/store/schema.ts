/**
 * The store's schema as an ordered list of migrations. `PRAGMA user_version` is the authority on
 * which migrations a file has had (it lives in the file header, so it commits atomically with the
 * migration); the `schema_version` table keeps a human-readable history of when each was applied.
 *
 * To change the schema, append a migration — never edit one that has shipped.
 */
import type Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { legacyArtifactPath, storeFolder, toStoredPath } from "./artifactPaths.ts";

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /** Data changes after `sql`, in the same transaction; `path` is the store's file. */
  run?(db: Database.Database, path: string): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "experiments, runs, params, tags, scalars, events, artifacts",
    sql: `
      CREATE TABLE schema_version (
        version     INTEGER PRIMARY KEY,
        description TEXT NOT NULL,
        applied     REAL NOT NULL
      );
      CREATE TABLE experiments (
        id      INTEGER PRIMARY KEY,
        name    TEXT NOT NULL UNIQUE,
        created REAL NOT NULL
      );
      CREATE TABLE runs (
        id            TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL REFERENCES experiments(id),
        name          TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('SCHEDULED', 'RUNNING', 'FINISHED', 'FAILED', 'KILLED')),
        config        TEXT NOT NULL,
        config_hash   TEXT NOT NULL,
        seed          INTEGER,
        error         TEXT,
        created       REAL NOT NULL,
        start_time    REAL,
        end_time      REAL,
        heartbeat     REAL
      );
      CREATE INDEX runs_created ON runs(created);
      CREATE INDEX runs_experiment ON runs(experiment_id, created);
      CREATE INDEX runs_status ON runs(status, created);
      CREATE INDEX runs_config_hash ON runs(config_hash);
      CREATE TABLE params (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key    TEXT NOT NULL,
        value  TEXT NOT NULL, -- JSON text of the value
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      CREATE TABLE tags (
        run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key    TEXT NOT NULL,
        value  TEXT NOT NULL,
        PRIMARY KEY (run_id, key)
      ) WITHOUT ROWID;
      -- nonfinite: 0 finite, 1 NaN, 2 +Inf, 3 -Inf (value NULL), 4 -0 (value 0)
      CREATE TABLE scalars (
        run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        key       TEXT NOT NULL,
        step      INTEGER NOT NULL,
        wall_time REAL NOT NULL,
        value     REAL,
        nonfinite INTEGER NOT NULL DEFAULT 0 CHECK (nonfinite BETWEEN 0 AND 4),
        CHECK ((value IS NULL) = (nonfinite BETWEEN 1 AND 3))
      );
      CREATE INDEX scalars_run_key_step ON scalars(run_id, key, step);
      CREATE TABLE events (
        id        INTEGER PRIMARY KEY,
        run_id    TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step      INTEGER NOT NULL,
        wall_time REAL NOT NULL,
        kind      TEXT NOT NULL,
        payload   TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_run_step ON events(run_id, step);
      CREATE INDEX events_run_kind ON events(run_id, kind, step);
      CREATE TABLE artifacts (
        id      INTEGER PRIMARY KEY,
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        name    TEXT NOT NULL,
        kind    TEXT NOT NULL,
        path    TEXT NOT NULL,
        bytes   INTEGER NOT NULL,
        sha256  TEXT NOT NULL,
        created REAL NOT NULL
      );
      CREATE INDEX artifacts_run ON artifacts(run_id);
    `,
  },
  {
    version: 2,
    description: "run leases (one owner per run); artifact paths relative to the store's folder, one row per path",
    sql: `
      CREATE TABLE leases (
        run_id    TEXT PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        token     TEXT NOT NULL,
        pid       INTEGER NOT NULL,
        host      TEXT NOT NULL,
        acquired  REAL NOT NULL,
        heartbeat REAL NOT NULL,
        expires   REAL NOT NULL
      ) WITHOUT ROWID;
    `,
    run(db, path) {
      const dir = storeFolder(path);
      const rows = db.prepare("SELECT id, run_id, path FROM artifacts").all() as {
        id: number;
        run_id: string;
        path: string;
      }[];
      const update = db.prepare("UPDATE artifacts SET path = ? WHERE id = ?");
      for (const r of rows) update.run(toStoredPath(dir, legacyArtifactPath(path, r.run_id, r.path)), r.id);
      // A path registered twice (a checkpoint rewritten after a resume) keeps its newest row.
      db.exec(`
        DELETE FROM artifacts WHERE id NOT IN (SELECT max(id) FROM artifacts GROUP BY run_id, path);
        CREATE UNIQUE INDEX artifacts_run_path ON artifacts(run_id, path);
      `);
    },
  },
  {
    version: 3,
    description: "sweeps and their jobs (one result per job: a job's run is unique)",
    sql: `
      CREATE TABLE sweeps (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        spec     TEXT NOT NULL, -- JSON of the validated sweep spec, keys in the spec's order
        executor TEXT NOT NULL, -- "local" or the queue's address (without credentials)
        status   TEXT NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'INTERRUPTED')),
        created  REAL NOT NULL,
        updated  REAL NOT NULL,
        owner    TEXT,          -- "host:pid" of the coordinator running it now, or NULL
        owner_heartbeat REAL
      );
      CREATE INDEX sweeps_created ON sweeps(created);
      CREATE TABLE sweep_jobs (
        sweep_id    TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
        job_id      TEXT NOT NULL, -- 16 hex digits of the job's config hash
        idx         INTEGER NOT NULL,
        overrides   TEXT NOT NULL, -- JSON {dotted path: value}
        config      TEXT NOT NULL, -- canonical JSON of the run config, training seed included
        status      TEXT NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'FINISHED', 'FAILED')),
        run_id      TEXT UNIQUE REFERENCES runs(id) ON DELETE SET NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        step        INTEGER,
        total_steps INTEGER,
        worker      TEXT,
        error       TEXT,
        history     TEXT NOT NULL DEFAULT '[]', -- JSON list of what happened to the job, oldest first
        updated     REAL NOT NULL,
        PRIMARY KEY (sweep_id, job_id),
        UNIQUE (sweep_id, idx)
      ) WITHOUT ROWID;
      CREATE INDEX sweep_jobs_status ON sweep_jobs(sweep_id, status);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function userVersion(db: Database.Database): number {
  return db.pragma("user_version", { simple: true }) as number;
}

/** InputError when the file was written by a newer shocklens (older code must not touch it). */
export function checkNotNewer(version: number, latest: number, path: string): void {
  if (version > latest) {
    throw new InputError(
      `store ${path} has schema version ${version}, newer than this shocklens supports (${latest}); upgrade shocklens`,
    );
  }
}

/**
 * Applies the pending migrations, each in its own IMMEDIATE transaction (so two processes opening
 * a fresh store at once serialise, and the second one sees the work done). Idempotent.
 * Returns the versions applied.
 */
export function migrate(
  db: Database.Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
  now = Date.now() / 1000,
): number[] {
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  checkNotNewer(userVersion(db), latest, path);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= userVersion(db)) continue;
    db.transaction(() => {
      // Re-read under the write lock: another process may have migrated since we looked.
      const current = userVersion(db);
      if (m.version <= current) return;
      db.exec(m.sql);
      m.run?.(db, path);
      db.prepare("INSERT INTO schema_version (version, description, applied) VALUES (?, ?, ?)").run(
        m.version,
        m.description,
        now,
      );
      db.pragma(`user_version = ${m.version | 0}`);
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
