/** `shocklens train` as a user runs it: schema, one-line exit-2 config errors, JSON output, divergence, Ctrl-C and resume. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { runCliInProcess, tempDir, expectUsageError } from "./helpers.ts";
import { assertInterrupted, checkpointedConfigInput, tinyConfigInput, waitForScalars } from "../train/helpers.ts";

const dir = tempDir();
/** The tiny training config with a bigger data set, Adam, and checkpoints every 20 steps. */
const good = checkpointedConfigInput({
  seed: 1,
  data: { name: "two-moons", n: 128 },
  optimizer: { name: "adam", lr: 0.02 },
});

let n = 0;
function configFile(content: unknown, ext = "json"): string {
  const p = join(dir, `c${n++}.${ext}`);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}
const storeFile = () => join(dir, `s${n++}.db`);

test("--schema prints the run config's JSON Schema", async () => {
  const r = await runCliInProcess(["train", "--schema"]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(s.additionalProperties, false);
  assert.ok(s.properties.optimizer && s.properties.data && s.properties.model);
});

test("config errors are one line, name the file and the path, and exit 2; no run is created", async () => {
  const store = storeFile();
  const bad = configFile({ ...good, optimizer: { name: "sgd", lr: 0.1, momentun: 0.9 } });
  await expectUsageError(
    ["train", "--config", bad, "--store", store],
    new RegExp(`^shocklens: config ${bad}: optimizer\\.momentun: unknown key\\n$`),
    { prefixed: true },
  );
  await expectUsageError(
    ["train", "--config", configFile("seed: [1\n", "yaml"), "--store", store],
    /is not valid YAML\/JSON/,
    { prefixed: true },
  );
  await expectUsageError(
    ["train", "--config", join(dir, "missing.yaml"), "--store", store],
    /run config .*missing\.yaml does not exist/,
    { prefixed: true },
  );
  const mn = configFile({ ...good, data: { name: "mnist" } });
  await expectUsageError(
    ["train", "--config", mn, "--store", store],
    new RegExp(
      `^shocklens: config ${mn}: data \\(mnist\\): x has shape \\[\\d+,784\\], expected \\[N, 2\\] for this mlp\n$`,
    ),
    { prefixed: true },
  );
  await expectUsageError(
    ["train", "--config", configFile({ ...good, epochs: 3 }), "--store", store],
    /steps: give exactly one of steps and epochs/,
    { prefixed: true },
  );
  await expectUsageError(["train", "--store", store], /give --config RUN\.yaml for a new run or --resume ID/, {
    prefixed: true,
  });
  await expectUsageError(["train", "--config", configFile(good), "--resume", "abc", "--store", store], /not both/, {
    prefixed: true,
  });
  await expectUsageError(["train", "--resume", "abc", "--store", join(dir, "nowhere.db")], /no run store at/, {
    prefixed: true,
  });
  const r = await runCliInProcess(["runs", "list", "--store", store, "--json"]);
  assert.deepEqual(JSON.parse(r.stdout).runs, []);
});

test("--json: one object on stdout; the run is in the store given by $SHOCKLENS_STORE; resuming it again is exit 2", async () => {
  const store = storeFile();
  const r = await runCliInProcess(["train", "--config", configFile(good), "--json"], {
    env: { SHOCKLENS_STORE: store },
  });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, "FINISHED");
  assert.equal(out.step, 60);
  assert.equal(out.store, store);
  assert.ok(out.metrics["test/accuracy"] > 0.5);
  assert.match(
    r.stderr,
    new RegExp(`^shocklens: run ${out.run} \\(mlp-two-moons\\) started: 60 steps, store ${store}\\n$`),
    "no progress bar off a terminal",
  );
  const s = SqliteRunStore.open(store);
  assert.equal(s.getRun(out.run).status, "FINISHED");
  s.close();
  await expectUsageError(
    ["train", "--resume", out.run, "--store", store],
    /is FINISHED; only a KILLED \(interrupted\) or RUNNING \(crashed\) run can be resumed/,
  );
});

test("the human summary names the run, its accuracy and how to look at it; --quiet keeps stderr empty", async () => {
  const store = storeFile();
  const r = await runCliInProcess(["train", "--config", configFile(good), "--store", store, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(
    r.stdout,
    /^run {7}[0-9a-f]{12} \(mlp-two-moons\)\nstatus {4}FINISHED at step 60\/60 in [\d.]+ s\ntest {6}loss [\d.]+, accuracy [\d.]+ %\n/,
  );
  assert.match(r.stdout, /shocklens runs show [0-9a-f]{12} --store /);
});

test("a divergence exits 1 with a one-line message, the run FAILED with its event", async () => {
  const store = storeFile();
  const cfg = configFile({
    ...good,
    optimizer: { name: "sgd", lr: 0.05, weightDecay: 1 },
    schedule: { name: "step", stepSize: 30, gamma: 1e300 },
  });
  const r = await runCliInProcess(["train", "--config", cfg, "--store", store, "--json", "--quiet"]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, "FAILED");
  assert.ok(out.divergence.step > 30);
  assert.match(
    r.stderr,
    new RegExp(
      `^shocklens: run ${out.run} diverged: .* at step ${out.divergence.step}; it is marked FAILED, ` +
        `last good checkpoint .*checkpoint-00000020\\.safetensors\\n$`,
    ),
  );
  const show = JSON.parse((await runCliInProcess(["runs", "show", out.run, "--store", store, "--json"])).stdout);
  assert.equal(show.run.status, "FAILED");
  assert.equal(show.events.filter((e: { kind: string }) => e.kind === "divergence").length, 1);
});

test("SIGINT (delivered in-process) checkpoints the current step and exits 130; --resume finishes the run", async () => {
  const store = storeFile();
  const running = runCliInProcess([
    "train",
    "--config",
    configFile(tinyConfigInput({ steps: 1000 })),
    "--store",
    store,
  ]);
  // The training loop yields to the event loop every ~50 ms, so this poll runs while it trains.
  const id = await waitForScalars(store);
  assert.ok(id, "the run started");
  assert.equal(process.listenerCount("SIGINT"), 1, "train listens for SIGINT while it runs");
  process.emit("SIGINT", "SIGINT");
  const r = await running;
  assert.equal(process.listenerCount("SIGINT"), 0, "and removes its handler afterwards");
  assert.match(r.stderr, /SIGINT: finishing the current step and writing a checkpoint/);
  const step = assertInterrupted(r, store, id);
  const resumed = await runCliInProcess(["train", "--resume", id, "--store", store, "--json", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const out = JSON.parse(resumed.stdout);
  assert.equal(out.status, "FINISHED");
  assert.equal(out.resumedFrom, step);
  assert.equal(out.step, 1000);
});

test("an interrupted run's human summary says KILLED, as the store and runs list do", async () => {
  const { formatSummary } = await import("../../src/cli/train.ts");
  const text = formatSummary(
    {
      id: "0123456789ab",
      name: "n",
      totalSteps: 60,
      resumedFrom: null,
      dir: dir,
      notes: [],
      status: "INTERRUPTED",
      step: 20,
      metrics: {},
      checkpoint: null,
      weights: null,
      seconds: 1,
    },
    "s.db",
  );
  assert.match(text, /^status {4}KILLED \(interrupted; resumable\) at step 20\/60/m);
  assert.doesNotMatch(text, /INTERRUPTED/);
});

test("off a terminal a long run is never silent: periodic status lines on stderr (here every update)", async () => {
  const r = await runCliInProcess(["train", "--config", configFile(good), "--store", storeFile()], {
    env: { SHOCKLENS_PROGRESS_EVERY: "0" },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^shocklens train: training: 1\/60 steps \(2 %\), loss [\d.]+, /m);
  assert.match(r.stderr, /^shocklens train: training: done, 60 steps in \d+ s$/m);
});
