/**
 * Several processes on one store file: a reader watching a live writer, two writers at once, and a
 * writer killed with SIGKILL. These run real child processes (fixtures/), as training, the
 * dashboard and sweep workers do.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "../../src/store/schema.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { finished, runFixture, scratchDir, startFixture } from "../store/helpers.ts";

const dir = scratchDir();

function newRun(path: string): string {
  const s = SqliteRunStore.open(path);
  const id = s.createRun({ name: "live" }).id;
  s.close();
  return id;
}

test("a reader process sees the scalars grow while a writer process logs them (no SQLITE_BUSY)", async () => {
  const path = join(dir, "live.db");
  const id = newRun(path);
  const batches = 150;
  const keys = 20;
  const reader = startFixture("reader.ts", [path, id, String(batches * keys), "60000"]);
  const writer = runFixture("writer.ts", [path, id, String(batches), String(keys), "5"]);
  const [r, w] = await Promise.all([finished(reader), writer]);
  assert.equal(w.code, 0, w.stderr);
  assert.equal(r.code, 0, r.stderr);
  const { counts, error } = JSON.parse(r.stdout) as { counts: number[]; error: string | null };
  assert.equal(error, null);
  assert.equal(counts[counts.length - 1], batches * keys);
  const partial = counts.filter((c) => c > 0 && c < batches * keys);
  assert.ok(partial.length >= 3, `the reader saw only ${JSON.stringify(counts)}`);
  for (let i = 1; i < counts.length; i++) assert.ok(counts[i] > counts[i - 1], "counts only grow");
  // Whole steps only: each step is one transaction.
  for (const c of counts) assert.equal(c % keys, 0);
});

test("two writer processes log into one store at once without SQLITE_BUSY or lost points", async () => {
  const path = join(dir, "two.db");
  const a = newRun(path);
  const b = newRun(path);
  const batches = 300;
  const [wa, wb] = await Promise.all([
    runFixture("writer.ts", [path, a, String(batches), "10", "0", "a"]),
    runFixture("writer.ts", [path, b, String(batches), "10", "0", "b"]),
  ]);
  assert.equal(wa.code, 0, wa.stderr);
  assert.equal(wb.code, 0, wb.stderr);
  const s = SqliteRunStore.open(path);
  assert.equal(s.getRun(a).scalarCount, batches * 10);
  assert.equal(s.getRun(b).scalarCount, batches * 10);
  s.close();
});

test("a writer killed with SIGKILL leaves a store that opens and holds every committed scalar", async () => {
  const path = join(dir, "killed.db");
  const id = newRun(path);
  const keys = 8;
  const child = startFixture("writer.ts", [path, id, "0", String(keys), "0"]);
  const done = finished(child);
  let lastCommitted = -1;
  await new Promise<void>((resolve) => {
    let buffered = "";
    child.stdout!.on("data", (d: Buffer | string) => {
      buffered += d.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) lastCommitted = Number(line.split(" ")[1]);
      if (lastCommitted >= 400 && !child.killed) {
        child.kill("SIGKILL");
        resolve();
      }
    });
  });
  const result = await done;
  assert.equal(result.signal, "SIGKILL");

  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
  db.close();
  const s = SqliteRunStore.open(path);
  const steps = s.scalars(id, "k0").map((p) => p.step);
  assert.ok(steps.length >= lastCommitted + 1, `${steps.length} steps survived, ${lastCommitted + 1} were committed`);
  steps.forEach((step, i) => assert.equal(step, i));
  // No torn step: every surviving step has all its keys.
  assert.equal(s.getRun(id).scalarCount, steps.length * keys);
  // The store is still writable after the crash.
  s.logScalars(id, steps.length, { after: 1 });
  assert.equal(s.scalars(id, "after").length, 1);
  s.close();
});

test("processes opening a brand-new store at the same moment all succeed (one migration, no BUSY)", async () => {
  const path = join(dir, "fresh", "race.db");
  const results = await Promise.all(Array.from({ length: 6 }, () => runFixture("create.ts", [path])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const s = SqliteRunStore.open(path);
  assert.deepEqual(
    s
      .listRuns()
      .map((r) => r.id)
      .sort(),
    results.map((r) => r.stdout.trim()).sort(),
  );
  s.close();
  const db = new Database(path, { readonly: true });
  assert.equal(db.prepare("SELECT count(*) FROM schema_version").pluck().get(), MIGRATIONS.length);
  db.close();
});
