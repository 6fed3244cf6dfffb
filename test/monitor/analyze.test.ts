/**
 * `shocklens analyze` (docs/monitor.md §analyze): bad input exits 2 with one line naming the file
 * and leaves the store untouched. (The PyTorch checkpoint series is tested in
 * test/e2e/analyze-torch.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { saveTree } from "../../src/nn/files.ts";
import { runCliInProcess, tempDir } from "../cli/helpers.ts";
import { initialParams, model, setup } from "./helpers.ts";

/** Exit 2, one line naming `mention`, and the store file not created. */
async function expectBad(args: string[], mention: RegExp, store: string) {
  const r = await runCliInProcess([...args, "--store", store]);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, mention);
  assert.ok(!existsSync(store), "nothing stored");
}

test("analyze: bad input exits 2 with one line naming the file; the store is not touched", async () => {
  const dir = tempDir("shocklens-analyze-bad-");
  const { runDir } = await setup(dir);
  const m = join(dir, "model.json");
  const store = join(dir, "untouched.db");
  const ck = (s: number) => join(runDir, `checkpoint-${String(s).padStart(8, "0")}.safetensors`);
  await expectBad(
    ["analyze", "--model", m, "--checkpoints", join(dir, "nope-*.safetensors")],
    /nope-\*\.safetensors'?: matches no file/,
    store,
  );
  // A checkpoint that does not fit the model.
  const other = join(dir, "other.json");
  writeFileSync(other, JSON.stringify({ ...model, sizes: [2, 7, 2] }));
  await expectBad(
    ["analyze", "--model", other, "--checkpoints", ck(10)],
    /checkpoint .*checkpoint-00000010\.safetensors.*do not match/,
    store,
  );
  // A step that cannot be read from the name (nor metadata).
  const bad = join(dir, "bad");
  mkdirSync(bad);
  saveTree(join(bad, "final.safetensors"), initialParams([2, 6, 2]));
  await expectBad(
    ["analyze", "--model", m, "--checkpoints", join(bad, "*.safetensors")],
    /final\.safetensors: no step/,
    store,
  );
  // Mixed shapes within one series: a file of a wider network among the run's checkpoints.
  const mixed = join(dir, "mixed");
  mkdirSync(mixed);
  copyFileSync(ck(10), join(mixed, "a-10.safetensors"));
  const wide = initialParams([2, 7, 2]);
  saveTree(join(mixed, "a-20.safetensors"), wide);
  await expectBad(
    ["analyze", "--model", m, "--checkpoints", join(mixed, "a-*.safetensors")],
    /a-20\.safetensors.*mixed shapes/,
    store,
  );
  // An existing store is left as it was.
  const existing = join(dir, "train.db");
  const before = statSync(existing).mtimeMs;
  const r = await runCliInProcess([
    "analyze",
    "--model",
    m,
    "--checkpoints",
    join(mixed, "a-*.safetensors"),
    "--store",
    existing,
  ]);
  assert.equal(r.code, 2);
  assert.equal(statSync(existing).mtimeMs, before);
});
