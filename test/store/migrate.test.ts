/**
 * Schema 2 (docs/store.md §artifacts, §leases): a store written by schema 1 — artifact paths as the
 * writer's working directory saw them, a checkpoint registered twice — is migrated to paths
 * relative to the store's folder, one row per path, and a `leases` table; a read-only reader of an
 * unmigrated store resolves the old paths the same way without writing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { RunReader } from "../../src/store/reader.ts";
import { migrate, MIGRATIONS } from "../../src/store/schema.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { scratchDir } from "./helpers.ts";

/** A schema-1 store at `<dir>/sub/old.db` whose writer ran in `dir` with the store path "sub/old.db". */
function legacyStore(dir: string): { path: string; runId: string } {
  const path = join(dir, "sub", "old.db");
  mkdirSync(join(dir, "sub", "old.db.runs", "r1"), { recursive: true });
  for (const f of ["checkpoint-00000010.safetensors", "weights.safetensors"])
    writeFileSync(join(dir, "sub", "old.db.runs", "r1", f), f);
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  migrate(db, path, MIGRATIONS.slice(0, 1));
  db.prepare("INSERT INTO experiments (id, name, created) VALUES (1, 'default', 0)").run();
  db.prepare(
    "INSERT INTO runs (id, experiment_id, name, status, config, config_hash, created) VALUES ('r1', 1, 'old', 'KILLED', '{}', 'h', 0)",
  ).run();
  const add = db.prepare(
    "INSERT INTO artifacts (run_id, name, kind, path, bytes, sha256, created) VALUES ('r1', ?, ?, ?, 1, ?, ?)",
  );
  const ckpt = "sub/old.db.runs/r1/checkpoint-00000010.safetensors";
  add.run("checkpoint-00000010.safetensors", "checkpoint", ckpt, "a".repeat(64), 1);
  add.run("checkpoint-00000010.safetensors", "checkpoint", ckpt, "b".repeat(64), 2); // logged twice by an old resume
  add.run("weights.safetensors", "weights", "sub/old.db.runs/r1/weights.safetensors", "c".repeat(64), 3);
  add.run("report", "report", "/elsewhere/report.html", "d".repeat(64), 4);
  db.close();
  return { path, runId: "r1" };
}

test("schema 2 turns cwd-relative artifact paths into store-relative ones, from any working directory, one row per path", () => {
  const dir = scratchDir();
  const { path, runId } = legacyStore(dir);
  const elsewhere = join(dir, "elsewhere-cwd");
  mkdirSync(elsewhere);
  const home = process.cwd();
  process.chdir(elsewhere); // not the writer's directory: the paths are found through the run folder
  try {
    const s = SqliteRunStore.open(path);
    const arts = s.artifacts(runId);
    s.close();
    assert.deepEqual(
      arts.map((a) => [a.kind, a.path, a.sha256[0]]),
      [
        ["checkpoint", join(dir, "sub", "old.db.runs", "r1", "checkpoint-00000010.safetensors"), "b"],
        ["weights", join(dir, "sub", "old.db.runs", "r1", "weights.safetensors"), "c"],
        ["report", "/elsewhere/report.html", "d"],
      ],
    );
  } finally {
    process.chdir(home);
  }
  const db = new Database(path, { readonly: true });
  assert.deepEqual(db.prepare("SELECT path FROM artifacts ORDER BY id").pluck().all(), [
    "old.db.runs/r1/checkpoint-00000010.safetensors",
    "old.db.runs/r1/weights.safetensors",
    "/elsewhere/report.html",
  ]);
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name = 'leases'").pluck().all(), ["leases"]);
  db.close();
});

test("a read-only reader of a schema-1 store resolves its old paths without migrating it", () => {
  const dir = scratchDir();
  const { path, runId } = legacyStore(dir);
  const r = RunReader.openReadOnly(path);
  assert.ok(r);
  try {
    assert.equal(r.owner(runId), null);
    assert.equal(
      r.artifacts(runId).find((a) => a.kind === "weights")?.path,
      join(dir, "sub", "old.db.runs", "r1", "weights.safetensors"),
    );
  } finally {
    r.close();
  }
  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma("user_version", { simple: true }), 1, "still schema 1");
  db.close();
});
