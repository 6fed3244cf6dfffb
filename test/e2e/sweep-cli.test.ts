/**
 * The sweep commands as a user runs them (docs/sweeps.md §cli): `sweep --json` on a local pool prints
 * {sweep, jobs, finished, failed, runs} with the runs in the store; `sweep status` lists the jobs,
 * with one line for an unknown sweep (exit 2); a resumed finished sweep runs nothing again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { runCli, runCliInProcess, tempDir } from "../cli/helpers.ts";
import { tinyBase } from "../sweep/helpers.ts";

test("sweep --json on a local pool, then sweep status: the contract's fields and one line per job", async () => {
  const dir = tempDir();
  const store = join(dir, "runs.db");
  const spec = join(dir, "sweep.json");
  writeFileSync(
    spec,
    JSON.stringify({ name: "tiny", base: tinyBase({ steps: 5 }), grid: { "optimizer.lr": [0.1, 0.2] } }),
  );
  const r = runCli(["sweep", "--config", spec, "--store", store, "--workers", "2", "--json", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.jobs, out.finished, out.failed, out.runs.length, out.status], [2, 2, 0, 2, "FINISHED"]);
  const s = SqliteRunStore.open(store);
  try {
    assert.deepEqual(
      s
        .listRuns()
        .map((x) => x.id)
        .sort(),
      [...out.runs].sort(),
    );
  } finally {
    s.close();
  }
  const st = await runCliInProcess(["sweep", "status", out.sweep.slice(0, 6), "--store", store]);
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /jobs {6}2: 2 finished \(0 diverged\), 0 failed, 0 running, 0 pending/);
  assert.match(st.stdout, /^0 +FINISHED +5\/5 +1 +[0-9a-f]{12} +optimizer\.lr=0\.1$/m);
  const js = JSON.parse((await runCliInProcess(["sweep", "status", out.sweep, "--store", store, "--json"])).stdout);
  assert.deepEqual(
    js.jobList.map((j: { status: string }) => j.status),
    ["FINISHED", "FINISHED"],
  );
  const unknown = await runCliInProcess(["sweep", "status", "ffff", "--store", store]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^shocklens: no sweep "ffff" in store .*\n$/);
  const again = runCli(["sweep", "--resume", out.sweep, "--store", store, "--json", "--quiet"]);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).runs, out.runs, "a resumed finished sweep runs nothing again");
});
