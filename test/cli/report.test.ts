/** `shocklens report` and `shocklens serve` on the command line: outputs and one-line errors (docs/cli.md). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { runCliInProcess, tempDir } from "./helpers.ts";

function store(): { path: string; id: string } {
  const path = join(tempDir(), "s.db");
  const s = SqliteRunStore.open(path);
  const id = s.createRun({ name: "r", config: { lr: 1 } }).id;
  s.logScalars(id, 0, { "train/loss": 1 });
  s.logScalars(id, 1, { "train/loss": 0.5 });
  s.close();
  return { path, id };
}

test("report ID --out F --json: writes the file and prints {run, path, figures}; the store is untouched", async () => {
  const { path, id } = store();
  const before = statSync(path).mtimeMs;
  const out = join(tempDir(), "sub", "r.html");
  const r = await runCliInProcess(["report", id.slice(0, 5), "--store", path, "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.run, j.path, j.figures], [id, out, 1]);
  assert.match(readFileSync(out, "utf8"), /<figure id="curves-train"/);
  assert.equal(statSync(path).mtimeMs, before);
});

test("report: a missing store, an unknown run and --out naming the store exit 2 with one line", async () => {
  const { path, id } = store();
  const missing = join(tempDir(), "none.db");
  for (const [args, pattern] of [
    [["report", id, "--store", missing], /^shocklens: no store at .*none\.db/],
    [["report", "ffffffff", "--store", path], /^shocklens: no run "ffffffff"/],
    [
      ["report", id, "--store", path, "--out", path],
      /^shocklens: --out .* is the run store .*; writing it would destroy/,
    ],
  ] as const) {
    const r = await runCliInProcess([...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  assert.equal(existsSync(missing), false, "a missing store is not created");
});

test("serve: a bad port or a missing store exit 2 with one line", async () => {
  const bad = await runCliInProcess(["serve", "--port", "70000", "--store", store().path]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^shocklens: --port: expected an integer in \[0, 65535\], got 70000/);
  const none = await runCliInProcess(["serve", "--store", join(tempDir(), "none.db")]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^shocklens: no store at/);
});
