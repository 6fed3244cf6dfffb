/**
 * Training as separate processes, as users run it: a `shocklens train` child killed with SIGKILL
 * at seeded random moments resumes from its last checkpoint and ends with the same parameters and
 * the same logged series as an uninterrupted run, the store readable after every kill with every
 * scalar up to the last checkpoint; a reader sees the scalars while the writer trains; and a real
 * Ctrl-C (SIGINT from outside) checkpoints and exits 130.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { key, uniformArray } from "../../src/core/random.ts";
import type { RunStore } from "../../src/store/types.ts";
import { checkpointStep } from "../../src/train/checkpoint.ts";
import { parseRunConfig, type RunConfigInput } from "../../src/train/config.ts";
import { trainRun } from "../../src/train/run.ts";
import {
  assertInterrupted,
  exited,
  scratch,
  sleep,
  startCli,
  storeIn,
  tensorsOf,
  tinyConfigInput,
  waitForScalars,
  withStore,
} from "../train/helpers.ts";

const STEPS = 2500;
const raw: RunConfigInput = {
  name: "kill-me",
  seed: 11,
  model: { arch: "mlp", sizes: [2, 48, 48, 2], activation: "tanh" },
  data: { name: "two-moons", n: 512 },
  optimizer: { name: "adam", lr: 0.01 },
  schedule: { name: "cosine", warmup: 50 },
  steps: STEPS,
  batchSize: 64,
  logEvery: 1,
  evalEvery: 100,
  checkpointEvery: 40,
  keepCheckpoints: 2,
};

type Point = [string, number, number];
const series = (s: RunStore, id: string): Point[] => s.scalars(id).map((p) => [p.key, p.step, p.value]);

/** Polls the store until `pred(latest logged step)` holds for the single run in it; returns its id. */
async function waitFor(path: string, pred: (step: number) => boolean, timeoutMs = 60_000): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const found = withStore(path, (s) => {
      const [run] = s.listRuns();
      return run ? { id: run.id, step: s.getRun(run.id).lastScalars["train/loss"]?.step ?? -1 } : null;
    });
    if (found && pred(found.step)) return found.id;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for the writer (at ${JSON.stringify(found)})`);
    await sleep(5);
  }
}

test("SIGKILL at random moments, resume each time: the same final parameters and series as an uninterrupted run", async () => {
  const dir = scratch();
  const cfgPath = join(dir, "run.yaml");
  writeFileSync(cfgPath, JSON.stringify(raw));
  const refPath = storeIn(scratch());
  const refId = await withStore(refPath, async (s) => (await trainRun({ store: s, config: parseRunConfig(raw) })).id);
  const want = withStore(refPath, (s) => series(s, refId));

  const path = storeIn(dir);
  const kills = Array.from(uniformArray(key(2024), 3))
    .map((u) => Math.round(200 + u * (STEPS - 400)))
    .sort((a, b) => a - b);
  let id = "";
  for (let k = 0; k <= kills.length; k++) {
    const child = startCli(
      k === 0
        ? ["train", "--config", cfgPath, "--store", path, "--quiet"]
        : ["train", "--resume", id, "--store", path, "--quiet"],
    );
    const done = exited(child);
    if (k === kills.length) {
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      break;
    }
    id = await waitFor(path, (step) => step >= kills[k]);
    child.kill("SIGKILL");
    const r = await done;
    assert.equal(r.signal, "SIGKILL", `the child ended by itself: ${r.stderr}`);
    // After the kill: the store opens, the run is still RUNNING, and every scalar up to the last
    // registered checkpoint is there, exactly as in the uninterrupted run.
    withStore(path, (s) => {
      assert.equal(s.getRun(id).status, "RUNNING");
      const last = Math.max(
        ...s
          .artifacts(id)
          .filter((a) => a.kind === "checkpoint")
          .map((a) => checkpointStep(a.path.split("/").pop() as string) as number),
      );
      assert.ok(last >= 40, `a checkpoint was registered before the kill at ~${kills[k]}`);
      const have = series(s, id).filter((p) => p[1] <= last);
      assert.deepEqual(
        have,
        want.filter((p) => p[1] <= last),
        `scalars through step ${last} after kill ${k + 1}`,
      );
    });
  }
  withStore(path, (s) => {
    const run = s.getRun(id);
    assert.equal(run.status, "FINISHED");
    assert.deepEqual(series(s, id), want, "the whole series, no point missing or twice");
    assert.equal(s.events(id, { kind: "resumed" }).length, kills.length);
  });
  assert.deepEqual(
    tensorsOf(`${path}.runs/${id}/weights.safetensors`),
    tensorsOf(`${refPath}.runs/${refId}/weights.safetensors`),
  );
});

test("a reader process sees the scalars grow while the writer process trains", async () => {
  const dir = scratch();
  const cfgPath = join(dir, "run.json");
  writeFileSync(cfgPath, JSON.stringify({ ...raw, steps: 1500 }));
  const path = storeIn(dir);
  const done = exited(startCli(["train", "--config", cfgPath, "--store", path, "--quiet"]));
  const id = await waitFor(path, (step) => step >= 1);
  const counts: number[] = [];
  for (;;) {
    const { n, status } = withStore(path, (s) => ({ n: s.getRun(id).scalarCount, status: s.getRun(id).status }));
    if (status !== "RUNNING") break;
    if (counts.length === 0 || n > counts[counts.length - 1]) counts.push(n);
    await sleep(20);
  }
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  assert.ok(counts.length >= 3, `the reader saw the run while it was RUNNING only at ${JSON.stringify(counts)}`);
  const final = withStore(path, (s) => s.getRun(id).scalarCount);
  assert.ok(counts[0] < final);
});

test("Ctrl-C (a real SIGINT) checkpoints the current step and exits 130 with the command to resume", async () => {
  const dir = scratch();
  const store = storeIn(dir);
  const cfg = join(dir, "ctrl-c.json");
  writeFileSync(cfg, JSON.stringify(tinyConfigInput({ steps: 200000 })));
  const child = startCli(["train", "--config", cfg, "--store", store]);
  const done = exited(child);
  const id = await waitForScalars(store);
  assert.ok(id, "the run started");
  child.kill("SIGINT");
  assertInterrupted(await done, store, id);
});
