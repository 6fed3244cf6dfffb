/**
 * `--run REF [--step N|latest|best]` on eval, quotient and entropy (docs/cli.md §run-inputs): a
 * trained run analysed straight from the store gives the same numbers as the same model, data and
 * checkpoint given as explicit files.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { parseRunConfig } from "../../src/train/config.ts";
import { runTask } from "../../src/train/setup.ts";
import { RunReader } from "../../src/store/reader.ts";
import { checkpointedConfigInput } from "../train/helpers.ts";
import { runCliInProcess, runCliJson, tempDir, expectUsageError } from "./helpers.ts";

const dir = tempDir();
const store = join(dir, "runs.db");
const config = checkpointedConfigInput({
  name: "moons",
  model: { arch: "mlp", sizes: [2, 6, 2], activation: "tanh" },
  data: { name: "two-moons", n: 96 },
  optimizer: { name: "adam", lr: 0.03 },
  keepCheckpoints: 2,
});
const configPath = join(dir, "run.json");
writeFileSync(configPath, JSON.stringify(config));

/** The run's model, training split and a stored weights file, written as the explicit files a user would pass. */
function explicitFiles(): { model: string; data: string } {
  const parsed = parseRunConfig(config);
  const model = join(dir, "model.json");
  writeFileSync(model, JSON.stringify(parsed.model));
  const { x, y } = runTask(parsed).train;
  const data = join(dir, "data.safetensors");
  writeSafetensors(
    data,
    new Map([
      ["x", { dtype: "F64", shape: [...x.shape], data: x.data }],
      ["y", { dtype: "I64", shape: [...y.shape], data: BigInt64Array.from(y.data, (v) => BigInt(v)) }],
    ]),
  );
  return { model, data };
}

// Trained on first use, inside a test: the CLI runs in this process and captures its stdout, so it
// must not run while another file's tests do (the unit files share processes).
let trainedOnce: Promise<{ id: string; files: Map<string, string>; model: string; data: string }> | undefined;
const trained = () => (trainedOnce ??= train());
const train = async () => {
  const run = await runCliJson(["train", "--config", configPath, "--store", store, "--quiet", "--json"]);
  const shown = await runCliJson(["runs", "show", run.run, "--store", store, "--json"]);
  const files = new Map<string, string>(
    shown.artifacts.map((a: { name: string; path: string }) => [a.name, a.path] as const),
  );
  return { id: run.run as string, files, ...explicitFiles() };
};

const withoutInput = (o: Record<string, unknown>) => {
  const { input: _input, ...rest } = o;
  return rest;
};

test("quotient --run ID --step 40 equals quotient on the explicit model, data and checkpoint file", async () => {
  const { id, files, model, data } = await trained();
  const ckpt = files.get("checkpoint-00000040.safetensors");
  assert.ok(ckpt, `checkpoint 40 kept: ${[...files.keys()]}`);
  const fromRun = await runCliJson(["quotient", "--run", id, "--step", "40", "--store", store, "--json"]);
  assert.deepEqual(fromRun.input, {
    run: id,
    name: "moons",
    step: 40,
    weights: ckpt,
    kind: "checkpoint",
    split: "train",
  });
  const fromFiles = await runCliJson([
    "quotient",
    "--model",
    model,
    "--weights",
    ckpt,
    "--data",
    data,
    "--quiet",
    "--json",
  ]);
  assert.deepEqual(withoutInput(fromRun), fromFiles);
  assert.ok(Number.isFinite(fromRun.loss) && fromRun.observables.quotient);
});

test("entropy --run NAME (latest: the final weights) equals entropy on the explicit files", async () => {
  const { id, files, model, data } = await trained();
  const args = ["entropy", "--method", "importance", "--t", "0.05", "--beta", "20", "--samples", "64", "--json"];
  const fromRun = await runCliJson([...args, "--run", "moons", "--store", store]);
  assert.equal(fromRun.input.run, id);
  assert.equal(fromRun.input.step, 60);
  assert.equal(fromRun.input.kind, "weights");
  const fromFiles = await runCliJson([
    ...args,
    "--model",
    model,
    "--weights",
    files.get("weights.safetensors")!,
    "--data",
    data,
  ]);
  assert.deepEqual(withoutInput(fromRun), fromFiles);
});

test("eval --run latest --step best picks the stored step with the lowest test/loss", async () => {
  const { id } = await trained();
  const best = await runCliJson(["eval", "--run", "latest", "--step", "best", "--store", store, "--json"]);
  assert.equal(best.input.chosenBy.key, "test/loss");
  const reader = RunReader.openReadOnly(store)!;
  const atStored = reader.scalars(id, "test/loss").filter((p) => p.step === 40 || p.step === 60);
  reader.close();
  assert.equal(atStored.length, 2);
  assert.equal(best.input.chosenBy.value, Math.min(...atStored.map((p) => p.value)));
  // On the test split, eval's loss is the test/loss the run logged at that step.
  const onTest = await runCliJson([
    "eval",
    "--run",
    id,
    "--step",
    String(best.input.step),
    "--split",
    "test",
    "--store",
    store,
    "--json",
  ]);
  assert.ok(Math.abs(onTest.loss - best.input.chosenBy.value) <= 1e-12 * Math.abs(onTest.loss));
});

test("--run errors are one line and exit 2: a step not stored, --model with --run, no inputs, --step without --run", async () => {
  const { id } = await trained();
  await expectUsageError(
    ["eval", "--run", id, "--step", "7", "--store", store],
    /--step 7: run [0-9a-f]+ has weights at steps 40, 60 only/,
  );
  await expectUsageError(["eval", "--run", id, "--model", "m.json", "--store", store], /--model: not with --run/);
  await expectUsageError(["eval"], /give --model <file> and --weights <file> and --data <file>, or --run <run>/);
  await expectUsageError(["quotient", "--model", "m.json", "--weights", "w", "--step", "3"], /--step: only with --run/);
  await expectUsageError(
    ["eval", "--run", id, "--step", "soon", "--store", store],
    /--step: expected a step number, latest or best, got "soon"/,
  );
  await expectUsageError(["eval", "--run", "nope", "--store", store], /no run "nope" in store/);
  await expectUsageError(
    ["eval", "--run", id, "--store", join(dir, "none.db")],
    /--run [0-9a-f]+: no run store at .*none\.db/,
  );
});

test("runs show marks checkpoint events whose file was pruned (keepCheckpoints) and lists only kept files", async () => {
  const { id, files } = await trained();
  assert.deepEqual([...files.keys()].sort(), [
    "checkpoint-00000040.safetensors",
    "checkpoint-00000060.safetensors",
    "weights.safetensors",
  ]);
  const r = await runCliInProcess(["runs", "show", id, "--store", store]);
  const line = (step: number) =>
    r.stdout.split("\n").find((l) => new RegExp(`^\\s+${step}\\s+checkpoint`).test(l)) ?? "";
  assert.match(line(20), /checkpoint-00000020\.safetensors"\}\s+\(file pruned\)$/);
  assert.doesNotMatch(line(40), /pruned/);
  assert.doesNotMatch(line(60), /pruned/);
});
