/**
 * The sweep and worker commands' contract (docs/sweeps.md §cli): a malformed spec or a bad option is
 * one line on stderr and exit 2 with nothing written (test/e2e/sweep-cli.test.ts runs real sweeps).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { phaseFixture, tinyBase } from "../sweep/helpers.ts";
import { expectUsageError, runCliInProcess, tempDir } from "./helpers.ts";

function specFile(dir: string, spec: unknown, name = "sweep.yaml"): string {
  const path = join(dir, name);
  writeFileSync(path, typeof spec === "string" ? spec : JSON.stringify(spec));
  return path;
}

const malformed: [string, unknown, RegExp][] = [
  ["not YAML", "name: [unclosed", /^shocklens: sweep spec .*sweep\.yaml is not valid YAML\/JSON: /],
  ["no base", { name: "x", grid: {} }, /^shocklens: sweep spec .*: base: /],
  ["an unknown key", { name: "x", base: tinyBase(), grids: {} }, /^shocklens: sweep spec .*: grids: unknown key$/m],
  ["a grid that is no list", { name: "x", base: tinyBase(), grid: { "optimizer.lr": 0.1 } }, /: grid\.optimizer\.lr: /],
  [
    "a path into nothing",
    { name: "x", base: tinyBase(), grid: { "optimizer.lrr": [0.1] } },
    /job 0 \(optimizer\.lrr=0\.1\): optimizer\.lrr: unknown key$/m,
  ],
  ["a bad value", { name: "x", base: tinyBase(), grid: { batchSize: [0] } }, /job 0 \(batchSize=0\): batchSize: /],
];
for (const [what, spec, pattern] of malformed)
  test(`sweep: a spec with ${what} is one line on stderr, exit 2, and no store is written`, async () => {
    const dir = tempDir();
    const store = join(dir, "runs.db");
    await expectUsageError(["sweep", "--config", specFile(dir, spec), "--store", store], pattern);
    assert.equal(existsSync(store), false);
  });

test("sweep and worker: bad options are one line and exit 2", async () => {
  const dir = tempDir();
  const spec = specFile(dir, { name: "x", base: tinyBase() });
  await expectUsageError(["sweep"], /give --config SWEEP\.yaml for a new sweep or --resume ID/);
  await expectUsageError(
    ["sweep", "--config", spec, "--queue", "http://host:1"],
    /--queue: expected a redis:\/\/ or rediss:\/\/ address/,
  );
  await expectUsageError(["sweep", "--config", spec, "--workers", "0"], /--workers: expected an integer >= 1, got 0/);
  await expectUsageError(
    ["sweep", "--config", spec, "--workers", "2", "--queue", "redis://h:1"],
    /--workers sizes the local pool/,
  );
  await expectUsageError(["worker"], /worker: --queue redis:\/\/HOST:PORT is required/);
  await expectUsageError(
    ["worker", "--queue", "redis://h:1", "--concurrency", "x"],
    /--concurrency: expected an integer/,
  );
  await expectUsageError(["sweep", "--resume", "abc", "--store", join(dir, "none.db")], /--resume: no run store at/);
});

test("sweep report: --json and files; an earlier report, the store's folder, an unknown metric, no store: one line, exit 2", async () => {
  const { store, sweep } = phaseFixture((lr, b, s) => ({ diverged: lr === 1 && s === 1, loss: b, event: false }));
  const path = store.path;
  store.close();
  const out = join(tempDir(), "maps");
  const r = await runCliInProcess(["sweep", "report", sweep.id, "--store", path, "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.x, { path: "optimizer.lr", values: [0.1, 1] });
  assert.deepEqual(j.y, { path: "batchSize", values: [4, 8] });
  assert.deepEqual(
    j.maps.map((m: { metric: string; values: number[][] }) => [m.metric, m.values]),
    [
      [
        "diverged",
        [
          [0, 0.5],
          [0, 0.5],
        ],
      ],
      [
        "last:test/loss",
        [
          [4, 4],
          [8, 8],
        ],
      ],
    ],
  );
  assert.ok(existsSync(j.index) && j.maps.every((m: { file: string }) => existsSync(m.file)));
  await expectUsageError(
    ["sweep", "report", sweep.id, "--store", path, "--out", out],
    /--out .*index\.html already exists; pass --force to overwrite it/,
  );
  const again = await runCliInProcess(["sweep", "report", sweep.id, "--store", path, "--out", out, "--force"]);
  assert.equal(again.code, 0, again.stderr);
  await expectUsageError(
    ["sweep", "report", sweep.id, "--store", path, "--out", join(`${path}.runs`, "maps")],
    /lies inside the run store's folder/,
  );
  await expectUsageError(
    ["sweep", "report", sweep.id, "--store", path, "--metric", "max:loss"],
    /unknown metric "max:loss"/,
  );
  await expectUsageError(
    ["sweep", "report", sweep.id, "--store", path, "--gradient-field"],
    /gradient-field test of run \w+: the run has no weights artifact to test/,
  );
  await expectUsageError(
    ["sweep", "report", sweep.id, "--store", join(out, "none.db")],
    /sweep report: no run store at/,
  );
});
