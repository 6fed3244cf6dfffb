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

test("a job whose data does not fit its model fails at once, the others finish, exit 1; a diverged run is a result", async () => {
  const dir = tempDir();
  const store = join(dir, "runs.db");
  const spec = join(dir, "sweep.json");
  // sizes [3, 8, 2] passes the config schema but two moons has 2 features: bad input, found when the job starts.
  const grid = {
    "model.sizes": [
      [2, 8, 2],
      [3, 8, 2],
    ],
    "optimizer.lr": [0.1, 1e100],
  };
  // A relu net at lr = 1e100 blows up within a few steps: a divergence, which is a result.
  const base = tinyBase({ steps: 10, model: { arch: "mlp", sizes: [2, 8, 2], activation: "relu" } });
  writeFileSync(spec, JSON.stringify({ name: "mixed", base, grid }));
  const r = runCli(["sweep", "--config", spec, "--store", store, "--workers", "2", "--json"]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(
    [out.status, out.jobs, out.finished, out.failed, out.diverged, out.runs.length],
    ["FINISHED", 4, 2, 2, 1, 2],
  );
  assert.match(r.stderr, /shocklens: 2 job\(s\) failed; see shocklens sweep status/);
  const st = JSON.parse((await runCliInProcess(["sweep", "status", out.sweep, "--store", store, "--json"])).stdout);
  const failed = st.jobList.filter((j: { status: string }) => j.status === "FAILED");
  assert.equal(failed.length, 2);
  for (const j of failed) {
    assert.match(j.error, /data \(two-moons\): x has shape \[\d+,2\], expected \[N, 3\] for this mlp/);
    assert.equal(j.attempts, 1, "bad input is not retried");
  }
  const s = SqliteRunStore.open(store);
  try {
    const statuses = out.runs.map((id: string) => s.getRun(id).status).sort();
    assert.deepEqual(statuses, ["FAILED", "FINISHED"], "the lr = 1e100 run diverged and is stored as a result");
  } finally {
    s.close();
  }
});
