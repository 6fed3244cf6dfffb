/**
 * Run references and stale runs through `shocklens runs` (docs/store.md §run-references, §leases):
 * a run is named by id, unique prefix, name (its newest run) or `latest`; a RUNNING run whose owner
 * is gone is listed as STALE; `--status` takes any case.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { RunReader } from "../../src/store/reader.ts";
import { runCliInProcess } from "../cli/helpers.ts";
import { scratchDir } from "./helpers.ts";

const dir = scratchDir();
const storePath = join(dir, "refs.db");
const cli = (args: string[]) => runCliInProcess(["runs", ...args], { env: { NO_COLOR: "1" } });

const store = SqliteRunStore.open(storePath);
const older = store.createRun({ name: "sweep-a" });
store.setStatus(older.id, "FINISHED");
const newer = store.createRun({ name: "sweep-a" });
store.setStatus(newer.id, "FINISHED");
// RUNNING in the store, but no process holds its lease: a crashed run.
const crashed = store.createRun({ name: "crashed" });
// RUNNING and owned by this (live) process.
const live = store.startRun({ name: "live" });

test("a run name resolves to its newest run, `latest` to the newest run of all", () => {
  const reader = RunReader.openReadOnly(storePath)!;
  try {
    assert.equal(reader.resolveRunId("sweep-a"), newer.id);
    assert.equal(reader.resolveRunId("latest"), live.run.id);
    assert.equal(reader.resolveRunId(older.id.slice(0, 12)), older.id);
    assert.throws(() => reader.resolveRunId("nope"), /no run "nope" in store /);
  } finally {
    reader.close();
  }
});

test("runs show NAME shows the newest run of that name", async () => {
  const r = await cli(["show", "sweep-a", "--store", storePath, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).run.id, newer.id);
});

test("runs list: a RUNNING run without a live owner is STALE (with why in --json); a live one stays RUNNING", async () => {
  const human = await cli(["list", "--store", storePath]);
  assert.equal(human.code, 0, human.stderr);
  const row = (id: string) => human.stdout.split("\n").find((l) => l.startsWith(id)) ?? "";
  assert.match(row(crashed.id), new RegExp(`^${crashed.id}  STALE `));
  assert.match(row(live.run.id), new RegExp(`^${live.run.id}  RUNNING `));
  assert.match(human.stdout, new RegExp(`STALE: .*shocklens train --resume ${crashed.id}\\n$`));

  const json = JSON.parse((await cli(["list", "--store", storePath, "--json"])).stdout);
  const byId = new Map(json.runs.map((r: { id: string }) => [r.id, r]));
  assert.deepEqual(
    [(byId.get(crashed.id) as { status: string }).status, (byId.get(crashed.id) as { stale: string }).stale],
    ["RUNNING", "no process owns it"],
  );
  assert.equal((byId.get(live.run.id) as { stale?: string }).stale, undefined);

  const shown = await cli(["show", crashed.id, "--store", storePath]);
  assert.match(shown.stdout, /status\s+STALE \(stored RUNNING; no process owns it; resume with shocklens train/);
});

test("a run whose owner process no longer exists is STALE, with the reason", async () => {
  // Simulate the owner's death: the lease row names a process that does not exist.
  store.releaseLease(live.lease);
  const again = store.claimRun(live.run.id);
  const db = (store as unknown as { db: import("better-sqlite3").Database }).db;
  db.prepare("UPDATE leases SET pid = ? WHERE run_id = ?").run(2 ** 22 + 12345, live.run.id);
  const json = JSON.parse((await cli(["list", "--store", storePath, "--json"])).stdout);
  const run = json.runs.find((r: { id: string }) => r.id === live.run.id);
  assert.match(run.stale, /its owner is gone: process \d+ no longer exists/);
  store.releaseLease(again);
});

test("runs list --status takes any case; an unknown status is exit 2 naming the choices", async () => {
  const r = await cli(["list", "--store", storePath, "--status", "finished", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    JSON.parse(r.stdout)
      .runs.map((x: { id: string }) => x.id)
      .sort(),
    [older.id, newer.id].sort(),
  );
  const bad = await cli(["list", "--store", storePath, "--status", "done"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /SCHEDULED, RUNNING, FINISHED, FAILED, KILLED \(any case\), got "done"/);
});
