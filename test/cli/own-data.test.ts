/**
 * `train` on the user's own data (`data: {name: file, path}`) and from given weights (`init`),
 * docs/training.md §own-data: an .npy pair and a checkpoint of another run as the start; bad files
 * are one-line exit-2 errors naming the config field, and no run is created.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeNpy } from "../../src/io/npy.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { key, normalArray } from "../../src/core/random.ts";
import { RunReader } from "../../src/store/reader.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { parseRunConfig, withAbsolutePaths } from "../../src/train/config.ts";
import { trainRun } from "../../src/train/run.ts";
import { runCliInProcess, tempDir, expectUsageError } from "./helpers.ts";

const dir = tempDir();
const N = 48;
// Regression data: y = sum of the inputs, 4 features.
const x = normalArray(key(5), N * 4);
const y = Float64Array.from({ length: N }, (_, i) => x[4 * i] + x[4 * i + 1] + x[4 * i + 2] + x[4 * i + 3]);
writeNpy(join(dir, "x.npy"), { dtype: "F64", shape: [N, 4], data: x });
writeNpy(join(dir, "y.npy"), { dtype: "F64", shape: [N, 1], data: y });

const base = {
  seed: 2,
  model: { arch: "mlp", sizes: [4, 6, 1], activation: "tanh" },
  data: { name: "file", path: "x.npy,y.npy" },
  optimizer: { name: "adam", lr: 0.01 },
  steps: 20,
  batchSize: 16,
  checkpointEvery: 10,
};
let n = 0;
const configFile = (c: unknown) => {
  const p = join(dir, `c${n++}.json`);
  writeFileSync(p, JSON.stringify(c));
  return p;
};
const store = join(dir, "runs.db");
const train = async (c: unknown) => {
  const r = await runCliInProcess(["train", "--config", configFile(c), "--store", store, "--quiet", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

test("an .npy pair trains with mse; a second run starts from the first run's checkpoint", async () => {
  const first = await train(base);
  assert.equal(first.status, "FINISHED");
  const reader = RunReader.openReadOnly(store)!;
  const ckpt = reader.artifacts(first.run).find((a) => a.name === "checkpoint-00000010.safetensors")!.path;
  reader.close();
  const second = await train({ ...base, init: { weights: ckpt } });
  // The second run's step-0 parameters are the first run's at step 10: eval agrees on both.
  const a = await runCliInProcess(["eval", "--run", first.run, "--step", "10", "--store", store, "--json"]);
  const shown = JSON.parse((await runCliInProcess(["runs", "show", second.run, "--store", store, "--json"])).stdout);
  assert.equal(shown.run.config.init.weights, ckpt);
  assert.equal(shown.run.config.data.path, `${join(dir, "x.npy")},${join(dir, "y.npy")}`);
  assert.equal(JSON.parse(a.stdout).lossFunction, "mse");
  const firstTest = (await runCliInProcess(["runs", "show", first.run, "--store", store, "--json"])).stdout;
  assert.ok(JSON.parse(firstTest).run.lastScalars["test/loss"]);
});

test("bad own data or init weights: exit 2, one line naming the config field, no run created", async () => {
  const before = JSON.parse((await runCliInProcess(["runs", "list", "--store", store, "--json"])).stdout).runs.length;
  const wrongShape = join(dir, "wide.safetensors");
  writeSafetensors(
    wrongShape,
    new Map([
      ["x", { dtype: "F64", shape: [4, 3], data: new Float64Array(12) }],
      ["y", { dtype: "F64", shape: [4, 1], data: new Float64Array(4) }],
    ]),
  );
  const cases: [unknown, RegExp][] = [
    [{ ...base, data: { name: "file", path: "missing.npz" } }, /: data\.path: data .*missing\.npz does not exist/],
    [
      { ...base, data: { name: "file", path: "wide.safetensors" } },
      /: data \(file\): x has shape \[3,3\], expected \[N, 4\] for this mlp/,
    ],
    [
      { ...base, data: { name: "file", path: "x.npy" } },
      /data\.path: data .*x\.npy is a single NumPy array \(\.npy\); give the inputs and the targets as a pair/,
    ],
    [{ ...base, init: { weights: "x.npy,y.npy" } }, /: init\.weights: /],
    [
      { ...base, init: { weights: wrongShape } },
      /init\.weights: weights .*wide\.safetensors do not match the mlp config: found x \[4,3\], y \[4,1\]; expected fc0\.weight \[6,4\]/,
    ],
    [{ ...base, data: { name: "file" } }, /data\.path: /],
  ];
  for (const [config, pattern] of cases)
    await expectUsageError(["train", "--config", configFile(config), "--store", store], pattern, { prefixed: true });
  const after = JSON.parse((await runCliInProcess(["runs", "list", "--store", store, "--json"])).stdout).runs.length;
  assert.equal(after, before);
});

test("a resume refuses data that changed since the run started (sha256 tags), and continues on the same bytes", async () => {
  const config = withAbsolutePaths(parseRunConfig(base), dir);
  const path = join(dir, "resume.db");
  const s = SqliteRunStore.open(path);
  try {
    const stop = new AbortController();
    const r = await trainRun({
      store: s,
      config,
      signal: stop.signal,
      callbacks: [{ onStep: (i) => i.step === 12 && stop.abort() }],
    });
    assert.equal(r.status, "INTERRUPTED");
    const tags = s.getRun(r.id).tags;
    assert.match(tags["sha256:data.path:x"], /^[0-9a-f]{64}$/);
    assert.match(tags["sha256:data.path:y"], /^[0-9a-f]{64}$/);
    const yPath = join(dir, "y.npy");
    const original = readFileSync(yPath);
    writeNpy(yPath, { dtype: "F64", shape: [N, 1], data: y.map((v) => v + 1) });
    await assert.rejects(
      trainRun({ store: s, resume: r.id }),
      /data\.path \(y\) .*y\.npy changed since the run started \(sha256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/,
    );
    writeFileSync(yPath, original);
    const done = await trainRun({ store: s, resume: r.id });
    assert.equal(done.status, "FINISHED");
    assert.equal(done.resumedFrom, 12, "from the checkpoint the interruption wrote");
  } finally {
    s.close();
  }
});
