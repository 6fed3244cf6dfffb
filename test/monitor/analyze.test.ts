/**
 * `shocklens analyze` (docs/monitor.md §analyze): a checkpoint series written by real PyTorch
 * (float64 full-batch SGD from the same initial weights on the same data) gives the same
 * observables as the checkpoints of the same run trained by shocklens; bad input exits 2 with one
 * line naming the file and leaves the store untouched.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { saveTree } from "../../src/nn/files.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { parseRunConfig } from "../../src/train/config.ts";
import { prepareRun } from "../../src/train/setup.ts";
import { trainRun } from "../../src/train/run.ts";
import { runCliInProcess, tempDir } from "../cli/helpers.ts";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("../fixtures/monitor/torch_checkpoints.py", import.meta.url).pathname;
const torchMissing = (() => {
  const r = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  return r.status === 0 ? null : `PyTorch is not importable by ${PYTHON} (install Debian's python3-torch)`;
})();

const model = { arch: "mlp", sizes: [2, 6, 2], activation: "relu" };

/** A store with a shocklens run (checkpoints every 10 of 30 full-batch SGD steps), its init weights and data. */
async function setup(dir: string) {
  const config = parseRunConfig({
    seed: 4,
    model,
    data: { name: "two-moons", n: 48 },
    optimizer: { name: "sgd", lr: 0.2 },
    steps: 30,
    batchSize: 1000,
    checkpointEvery: 10,
    keepCheckpoints: 10,
  });
  const prepared = prepareRun(config);
  writeFileSync(join(dir, "model.json"), JSON.stringify(model));
  saveTree(join(dir, "init.safetensors"), prepared.initialState().params);
  const { x, y } = prepared.task.train;
  writeSafetensors(join(dir, "data.safetensors"), {
    x: { dtype: "F64", shape: [...x.shape], data: x.data },
    y: { dtype: "I64", shape: [...y.shape], data: BigInt64Array.from(Array.from(y.data, (v) => BigInt(v))) },
  });
  const store = SqliteRunStore.open(join(dir, "train.db"));
  const r = await trainRun({ store, config });
  store.close();
  return { runDir: r.dir };
}

test(
  "analyze: a PyTorch checkpoint series gives the observables of the same run trained by shocklens",
  { skip: torchMissing ?? false },
  async () => {
    const dir = tempDir("shocklens-analyze-");
    const { runDir } = await setup(dir);
    const torchDir = join(dir, "torch");
    mkdirSync(torchDir);
    const py = spawnSync(
      PYTHON,
      [
        SCRIPT,
        join(dir, "model.json"),
        join(dir, "init.safetensors"),
        join(dir, "data.safetensors"),
        "0.2",
        "30",
        "10",
        torchDir,
      ],
      { encoding: "utf8" },
    );
    assert.equal(py.status, 0, py.stderr);
    const analyze = async (glob: string) => {
      const r = await runCliInProcess([
        "analyze",
        "--model",
        join(dir, "model.json"),
        "--checkpoints",
        glob,
        "--data",
        join(dir, "data.safetensors"),
        "--lr",
        "0.2",
        "--store",
        join(dir, "analyze.db"),
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const fromTorch = await analyze(join(torchDir, "torch-step-*.safetensors"));
    const fromShocklens = await analyze(join(runDir, "checkpoint-*.safetensors"));
    assert.deepEqual(fromTorch.steps, [10, 20, 30]);
    assert.deepEqual(fromShocklens.steps, [10, 20, 30]);
    for (const name of ["loss", "paramNorm", "gradNorm", "orbitMinSqNorm", "horizontalGradNorm", "sharpness", "tStar"])
      assert.ok(name in fromTorch.observables, `${name} measured`);
    assert.equal(fromTorch.kinds.loss, "quotient");
    assert.equal(fromTorch.kinds.paramNorm, "raw");
    assert.equal(fromTorch.kinds.orbitMinSqNorm, "quotient");
    assert.equal(fromTorch.kinds.horizontalGradNorm, "quotient");
    // The largest difference, relative to max(1, |value|), over every observable and step.
    let worst = { d: 0, where: "" };
    for (const [name, values] of Object.entries(fromTorch.observables as Record<string, (number | null)[]>)) {
      const other = fromShocklens.observables[name] as (number | null)[];
      values.forEach((v, i) => {
        const w = other[i];
        if (v === null || w === null) return assert.equal(v, w, `${name}[${i}]`);
        const d = Math.abs(v - w) / Math.max(1, Math.abs(v));
        if (d > worst.d) worst = { d, where: `${name} at step ${fromTorch.steps[i]}: torch ${v}, shocklens ${w}` };
      });
    }
    assert.ok(worst.d <= 1e-12, `largest difference ${worst.d}: ${worst.where}`);
    // The loss falls along the run, in both.
    assert.ok(fromTorch.observables.loss[2] < fromTorch.observables.loss[0]);
  },
);

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
  saveTree(
    join(bad, "final.safetensors"),
    prepareRun(
      parseRunConfig({
        seed: 1,
        model,
        data: { name: "two-moons", n: 8 },
        optimizer: { name: "sgd", lr: 0.1 },
        steps: 1,
        batchSize: 4,
      }),
    ).initialState().params,
  );
  await expectBad(
    ["analyze", "--model", m, "--checkpoints", join(bad, "*.safetensors")],
    /final\.safetensors: no step/,
    store,
  );
  // Mixed shapes within one series: a file of a wider network among the run's checkpoints.
  const mixed = join(dir, "mixed");
  mkdirSync(mixed);
  copyFileSync(ck(10), join(mixed, "a-10.safetensors"));
  const wide = prepareRun(
    parseRunConfig({
      seed: 1,
      model: { ...model, sizes: [2, 7, 2] },
      data: { name: "two-moons", n: 8 },
      optimizer: { name: "sgd", lr: 0.1 },
      steps: 1,
      batchSize: 4,
    }),
  ).initialState().params;
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
