/** `shocklens train` as a user runs it: schema, one-line exit-2 config errors, JSON output, divergence, Ctrl-C and resume. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { runCli, tempDir, expectUsageError } from "./helpers.ts";
import { exited, sleep, startCli } from "../train/helpers.ts";

const dir = tempDir();
const good = {
  seed: 1,
  model: { arch: "mlp", sizes: [2, 8, 2], activation: "tanh" },
  data: { name: "two-moons", n: 128 },
  optimizer: { name: "adam", lr: 0.02 },
  steps: 60,
  batchSize: 16,
  evalEvery: 20,
  checkpointEvery: 20,
};

let n = 0;
function configFile(content: unknown, ext = "json"): string {
  const p = join(dir, `c${n++}.${ext}`);
  writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
  return p;
}
const storeFile = () => join(dir, `s${n++}.db`);

test("--schema prints the run config's JSON Schema", () => {
  const r = runCli(["train", "--schema"]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.$schema, "https://json-schema.org/draft/2020-12/schema");
  assert.equal(s.additionalProperties, false);
  assert.ok(s.properties.optimizer && s.properties.data && s.properties.model);
});

test("config errors are one line, name the file and the path, and exit 2; no run is created", () => {
  const store = storeFile();
  const bad = configFile({ ...good, optimizer: { name: "sgd", lr: 0.1, momentun: 0.9 } });
  expectUsageError(
    ["train", "--config", bad, "--store", store],
    new RegExp(`^shocklens: config ${bad}: optimizer\\.momentun: unknown key\\n$`),
    { prefixed: true },
  );
  expectUsageError(
    ["train", "--config", configFile("seed: [1\n", "yaml"), "--store", store],
    /is not valid YAML\/JSON/,
    { prefixed: true },
  );
  expectUsageError(
    ["train", "--config", join(dir, "missing.yaml"), "--store", store],
    /run config .*missing\.yaml does not exist/,
    { prefixed: true },
  );
  const mn = configFile({ ...good, data: { name: "mnist" } });
  expectUsageError(
    ["train", "--config", mn, "--store", store],
    new RegExp(
      `^shocklens: config ${mn}: data \\(mnist\\): x has shape \\[\\d+,784\\], expected \\[N, 2\\] for this mlp\n$`,
    ),
    { prefixed: true },
  );
  expectUsageError(
    ["train", "--config", configFile({ ...good, epochs: 3 }), "--store", store],
    /steps: give exactly one of steps and epochs/,
    { prefixed: true },
  );
  expectUsageError(["train", "--store", store], /give --config RUN\.yaml for a new run or --resume ID/, {
    prefixed: true,
  });
  expectUsageError(["train", "--config", configFile(good), "--resume", "abc", "--store", store], /not both/, {
    prefixed: true,
  });
  expectUsageError(["train", "--resume", "abc", "--store", join(dir, "nowhere.db")], /no run store at/, {
    prefixed: true,
  });
  const r = runCli(["runs", "list", "--store", store, "--json"]);
  assert.deepEqual(JSON.parse(r.stdout).runs, []);
});

test("--json: one object on stdout; the run is in the store given by $SHOCKLENS_STORE; resuming it again is exit 2", () => {
  const store = storeFile();
  const r = runCli(["train", "--config", configFile(good), "--json"], { env: { SHOCKLENS_STORE: store } });
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
  expectUsageError(
    ["train", "--resume", out.run, "--store", store],
    /is FINISHED; only a KILLED \(interrupted\) or RUNNING \(crashed\) run can be resumed/,
  );
});

test("the human summary names the run, its accuracy and how to look at it; --quiet keeps stderr empty", () => {
  const store = storeFile();
  const r = runCli(["train", "--config", configFile(good), "--store", store, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  assert.match(
    r.stdout,
    /^run {7}[0-9a-f]{12} \(mlp-two-moons\)\nstatus {4}FINISHED at step 60\/60 in [\d.]+ s\ntest {6}loss [\d.]+, accuracy [\d.]+ %\n/,
  );
  assert.match(r.stdout, /shocklens runs show [0-9a-f]{12} --store /);
});

test("a divergence exits 1 with a one-line message, the run FAILED with its event", () => {
  const store = storeFile();
  const cfg = configFile({
    ...good,
    optimizer: { name: "sgd", lr: 0.05, weightDecay: 1 },
    schedule: { name: "step", stepSize: 30, gamma: 1e300 },
  });
  const r = runCli(["train", "--config", cfg, "--store", store, "--json", "--quiet"]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, "FAILED");
  assert.ok(out.divergence.step > 30);
  assert.match(
    r.stderr,
    new RegExp(
      `^shocklens: run ${out.run} diverged: .* at step ${out.divergence.step}; it is marked FAILED, last good checkpoint .*checkpoint-00000020\\.safetensors\\n$`,
    ),
  );
  const show = JSON.parse(runCli(["runs", "show", out.run, "--store", store, "--json"]).stdout);
  assert.equal(show.run.status, "FAILED");
  assert.equal(show.events.filter((e: { kind: string }) => e.kind === "divergence").length, 1);
});

test("Ctrl-C checkpoints the current step and exits 130; --resume finishes the run", async () => {
  const store = storeFile();
  const cfg = configFile({ ...good, steps: 200000, logEvery: 1, checkpointEvery: 0 });
  const child = startCli(["train", "--config", cfg, "--store", store]);
  const done = exited(child);
  let id = "";
  for (let i = 0; i < 3000 && !id; i++) {
    await sleep(10);
    try {
      const s = SqliteRunStore.open(store);
      const [run] = s.listRuns();
      if (run && s.getRun(run.id).scalarCount > 20) id = run.id;
      s.close();
    } catch {
      // the writer may still be creating the file
    }
  }
  assert.ok(id, "the run started");
  child.kill("SIGINT");
  const r = await done;
  assert.equal(r.code, 130, r.stderr);
  const m = /interrupted at step (\d+); continue with: shocklens train --resume ([0-9a-f]{12}) --store (\S+)\n$/.exec(
    r.stderr,
  );
  assert.ok(m, r.stderr);
  assert.equal(m[2], id);
  const s = SqliteRunStore.open(store);
  assert.equal(s.getRun(id).status, "KILLED");
  assert.deepEqual(
    s.events(id, { kind: "checkpoint" }).map((e) => e.step),
    [Number(m[1])],
  );
  s.close();
});
