/**
 * `sweep status` and `sweep report` only read the store (docs/sweeps.md §status): they open it
 * read-only — no write, no migration, no new file beside it — so they work on a read-only copy and
 * on a store older than the sweeps tables, which answers like a store without the sweep. `sweep
 * report --gradient-field` opens it for writing and stores its tests with the runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import Database from "better-sqlite3";
import { RunReader } from "../../src/store/reader.ts";
import { migrate, MIGRATIONS } from "../../src/store/schema.ts";
import { storedGradientField } from "../../src/sweep/gradientField.ts";
import { phaseDiagram } from "../../src/sweep/phaseDiagram.ts";
import { jobStatus, summarizeSweep } from "../../src/sweep/summary.ts";
import { expectUsageError, runCliInProcess, tempDir } from "../cli/helpers.ts";
import { readOnlyView } from "../e2e/faults/helpers.ts";
import { scratch } from "../train/helpers.ts";
import { phaseFixture, sweptStore } from "./helpers.ts";

/** What a writer would change: the store file's bytes and modification time, and the files beside it. */
function snapshot(path: string) {
  return {
    sha256: createHash("sha256").update(readFileSync(path)).digest("hex"),
    mtimeMs: statSync(path).mtimeMs,
    files: readdirSync(dirname(path)).sort(),
  };
}

/**
 * Files that appeared beside the store, but for the shared-memory index and the write-ahead log a
 * SQLite read connection keeps in a writable folder; the log must be empty (nothing was written).
 */
function newFilesBeside(path: string, before: string[]): string[] {
  const wal = `${path}-wal`;
  if (existsSync(wal)) assert.equal(statSync(wal).size, 0, "the write-ahead log holds no write");
  const sideFiles = new Set([`${path}-wal`, `${path}-shm`].map((f) => f.slice(dirname(path).length + 1)));
  return readdirSync(dirname(path)).filter((f) => !before.includes(f) && !sideFiles.has(f));
}

/**
 * The phase fixture's store (closed), with what a writer computes of it: status --json and the
 * report's maps. In `delete` journal mode (a store copied out of WAL mode) a writer's open would
 * switch it back to WAL, rewriting the file's header; a read connection needs no file beside it.
 */
function closedFixture(journalMode: "wal" | "delete" = "wal") {
  const { store, sweep } = phaseFixture((lr, b, s) => ({ diverged: lr === 1 && s === 1, loss: b, event: b === 8 }));
  const expected = {
    status: { ...summarizeSweep(store, sweep.id), jobList: store.sweeps().jobs(sweep.id).map(jobStatus) },
    diagram: phaseDiagram(store, sweep.id),
  };
  store.close();
  if (journalMode === "delete") {
    const db = new Database(store.path);
    db.pragma("journal_mode = DELETE");
    db.close();
  }
  return { path: store.path, sweep, expected };
}

async function statusAndReport(path: string, sweepId: string) {
  const status = await runCliInProcess(["sweep", "status", sweepId.slice(0, 6), "--store", path, "--json"]);
  assert.equal(status.code, 0, status.stderr);
  const out = join(tempDir(), "maps");
  const report = await runCliInProcess(["sweep", "report", sweepId, "--store", path, "--out", out, "--json"]);
  assert.equal(report.code, 0, report.stderr);
  return { status: JSON.parse(status.stdout), report: JSON.parse(report.stdout) };
}

for (const journalMode of ["wal", "delete"] as const)
  test(`sweep status and report print a writer's results and leave a ${journalMode}-mode store's bytes, time and folder`, async () => {
    const { path, sweep, expected } = closedFixture(journalMode);
    const before = snapshot(path);
    const { status, report } = await statusAndReport(path, sweep.id);
    assert.deepEqual(status, expected.status);
    assert.deepEqual([status.jobs, status.finished, status.diverged], [8, 8, 2]);
    const d = expected.diagram;
    assert.deepEqual(
      [report.sweep, report.x, report.y],
      [sweep.id, { path: d.x.path, values: d.x.values }, { path: d.y.path, values: d.y.values }],
    );
    assert.deepEqual(
      report.maps.map(({ file: _file, ...m }: { file: string }) => m),
      d.maps,
    );
    assert.deepEqual(
      d.maps.map((m) => m.metric),
      ["diverged", "last:test/loss", "event:phase_transition"],
    );
    const after = snapshot(path);
    assert.deepEqual([after.sha256, after.mtimeMs], [before.sha256, before.mtimeMs]);
    if (journalMode === "delete") assert.deepEqual(after.files, before.files, "no file beside the store");
    else assert.deepEqual(newFilesBeside(path, before.files), []);
  });

test("sweep status and report work on read-only media and write nothing there; --gradient-field is refused in one line", async (t) => {
  const { path, sweep, expected } = closedFixture();
  const view = readOnlyView(dirname(path), join(tempDir(), "ro"));
  if (!view) return t.skip("root without the right to mount: no read-only view");
  try {
    const store = join(view.path, basename(path));
    const before = snapshot(store);
    const { status } = await statusAndReport(store, sweep.id);
    assert.deepEqual(status, { ...expected.status, store }, view.how);
    await expectUsageError(
      ["sweep", "report", sweep.id, "--store", store, "--gradient-field", "--out", join(tempDir(), "maps")],
      /^shocklens: cannot open store .*runs\.db: /,
    );
    assert.deepEqual(snapshot(store), before, `not a byte, not a file written (${view.how})`);
  } finally {
    view.release();
  }
});

test("sweep report --gradient-field stores its tests with the runs; a later report reads them without writing", async () => {
  const { store, sweep, runIds } = await sweptStore([0.05]);
  const path = store.path;
  store.close();
  const r = await runCliInProcess([
    ...["sweep", "report", sweep.id, "--store", path, "--gradient-field"],
    ...["--out", join(tempDir(), "maps"), "--json"],
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /gradient-field test: 1 runs tested, 0 tested before/);
  const reader = RunReader.openReadOnly(path)!;
  const stored = storedGradientField(reader, runIds[0]);
  reader.close();
  assert.ok(stored, "the test is stored with the run");
  const maps = (j: { maps: { metric: string; values: number[][] }[] }) =>
    Object.fromEntries(j.maps.map((m) => [m.metric, m.values]));
  assert.deepEqual(maps(JSON.parse(r.stdout))["non-gradient-fraction"], [[stored.nonGradientFraction]]);
  const before = snapshot(path);
  const { report } = await statusAndReport(path, sweep.id);
  assert.deepEqual(maps(report)["non-gradient-fraction"], [[stored.nonGradientFraction]], "read, not tested again");
  const after = snapshot(path);
  assert.deepEqual([after.sha256, after.mtimeMs], [before.sha256, before.mtimeMs]);
});

test("a store written before sweeps existed is not migrated: no sweep, one line, exit 2", async () => {
  const path = join(scratch(), "old.db");
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  migrate(db, path, MIGRATIONS.slice(0, 2)); // schema 2: runs and leases, no sweeps tables
  db.close();
  const before = snapshot(path);
  for (const command of ["status", "report"])
    await expectUsageError(
      ["sweep", command, "abc123", "--store", path],
      new RegExp(`^shocklens: no sweep "abc123" in store ${path}$`, "m"),
    );
  await expectUsageError(["sweep", "status", "xyz", "--store", path], /sweep id: expected hex digits, got "xyz"/);
  const reader = RunReader.openReadOnly(path)!;
  try {
    assert.deepEqual(reader.sweeps().listSweeps(), []);
    assert.deepEqual(reader.sweeps().jobs("abc123"), []);
    assert.deepEqual(reader.sweeps().counts("abc123"), { PENDING: 0, RUNNING: 0, FINISHED: 0, FAILED: 0, total: 0 });
    assert.throws(() => reader.sweeps().job("abc123", "00"), { message: "sweep abc123 has no job 00" });
  } finally {
    reader.close();
  }
  const after = snapshot(path);
  assert.deepEqual([after.sha256, after.mtimeMs], [before.sha256, before.mtimeMs], "still schema 2");
});

test("sweep status and report: an empty file is no store yet and stays empty; a missing one is not created", async () => {
  const dir = scratch();
  const empty = join(dir, "empty.db");
  writeFileSync(empty, "");
  for (const command of ["status", "report"]) {
    await expectUsageError(
      ["sweep", command, "abc", "--store", empty],
      new RegExp(`^shocklens: no sweep "abc" in store ${empty}$`, "m"),
    );
    await expectUsageError(
      ["sweep", command, "abc", "--store", join(dir, "none.db")],
      new RegExp(`^shocklens: sweep ${command}: no run store at ${join(dir, "none.db")}$`, "m"),
    );
  }
  assert.equal(statSync(empty).size, 0);
  assert.deepEqual(readdirSync(dir).sort(), ["empty.db"]);
});
