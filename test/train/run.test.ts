/**
 * Runs in the run store: status, scalars, events, checkpoint artifacts; interrupt and resume equal
 * an uninterrupted run; a divergence fails the run with an event and keeps the last checkpoint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../src/errors.ts";
import type { RunStore } from "../../src/store/types.ts";
import { readCheckpoint } from "../../src/train/checkpoint.ts";
import type { RunConfig } from "../../src/train/config.ts";
import { prepareRun } from "../../src/train/setup.ts";
import { trainRun } from "../../src/train/run.ts";
import { scratch, storeIn, tensorsOf, tinyConfig, withStore } from "./helpers.ts";

const cfg = tinyConfig({
  steps: 40,
  logEvery: 2,
  evalEvery: 10,
  checkpointEvery: 8,
  keepCheckpoints: 2,
  optimizer: { name: "adam", lr: 0.02 },
});

const series = (s: RunStore, id: string) => s.scalars(id).map((p) => [p.key, p.step, p.value]);

/** Trains `config` uninterrupted into a fresh store; returns the store path and run id. */
async function reference(config: RunConfig): Promise<{ path: string; id: string }> {
  const path = storeIn(scratch());
  const id = await withStore(path, async (s) => (await trainRun({ store: s, config })).id);
  return { path, id };
}

test("a run finishes: status, scalars, checkpoint events and artifacts, the newest checkpoints kept, torch-named weights", async () => {
  const { path, id } = await reference(cfg);
  withStore(path, (s) => {
    const run = s.getRun(id);
    assert.equal(run.status, "FINISHED");
    assert.equal(run.name, "mlp-two-moons");
    assert.equal(run.seed, 3);
    assert.deepEqual(
      s.scalars(id, "train/loss").map((p) => p.step),
      Array.from({ length: 20 }, (_, i) => 2 * (i + 1)),
    );
    assert.deepEqual(
      s.scalars(id, "test/accuracy").map((p) => p.step),
      [0, 10, 20, 30, 40],
    );
    assert.deepEqual(
      s.events(id, { kind: "checkpoint" }).map((e) => e.step),
      [8, 16, 24, 32, 40],
    );
    const arts = s.artifacts(id);
    // Only the kept checkpoints stay registered: pruned files are forgotten by the store too.
    assert.deepEqual(
      arts.map((a) => a.kind),
      ["checkpoint", "checkpoint", "weights"],
    );
    const dir = `${path}.runs/${id}`;
    assert.deepEqual(readdirSync(dir).sort(), [
      "checkpoint-00000032.safetensors",
      "checkpoint-00000040.safetensors",
      "weights.safetensors",
    ]);
    const p = prepareRun(cfg);
    const { state } = readCheckpoint(join(dir, "checkpoint-00000040.safetensors"), p.initialState());
    assert.equal(state.step, 40);
    const weights = readFileSync(join(dir, "weights.safetensors"));
    assert.match(weights.toString("latin1", 8, 400), /"fc0\.weight"/);
  });
});

test("interrupt, then resume from the store: the same scalars (none twice) and the same weights as one uninterrupted run", async () => {
  const ref = await reference(cfg);
  const path = storeIn(scratch());
  const id = await withStore(path, async (s) => {
    const stop = new AbortController();
    const r = await trainRun({
      store: s,
      config: cfg,
      signal: stop.signal,
      callbacks: [{ onStep: (i) => i.step === 13 && stop.abort() }],
    });
    assert.equal(r.status, "INTERRUPTED");
    assert.equal(r.step, 13);
    assert.equal(s.getRun(r.id).status, "KILLED", "an interrupted run is marked KILLED (and stays resumable)");
    return r.id;
  });
  await withStore(path, async (s) => {
    const r = await trainRun({ store: s, resume: id.slice(0, 6) });
    assert.equal(r.status, "FINISHED");
    assert.equal(r.resumedFrom, 13);
    assert.equal(s.getRun(id).status, "FINISHED");
    // Pruned checkpoints are forgotten by the store too: every registered checkpoint file exists.
    for (const a of s.artifacts(id).filter((a) => a.kind === "checkpoint"))
      assert.ok(existsSync(a.path), `${a.path} registered but pruned`);
    assert.deepEqual(
      s.events(id, { kind: "resumed" }).map((e) => e.payload.fromStep),
      [13],
    );
  });
  const want = withStore(ref.path, (s) => series(s, ref.id));
  withStore(path, (s) => assert.deepEqual(series(s, id), want));
  assert.deepEqual(
    tensorsOf(`${path}.runs/${id}/weights.safetensors`),
    tensorsOf(`${ref.path}.runs/${ref.id}/weights.safetensors`),
  );
});

test("resume falls back to an older checkpoint when the newest is gone, cleans stale temp files, and still ends identical", async () => {
  const ref = await reference(cfg);
  const path = storeIn(scratch());
  const id = await withStore(path, async (s) => {
    const stop = new AbortController();
    return (
      await trainRun({
        store: s,
        config: cfg,
        signal: stop.signal,
        callbacks: [{ onStep: (i) => i.step === 27 && stop.abort() }],
      })
    ).id;
  });
  const dir = `${path}.runs/${id}`;
  rmSync(join(dir, "checkpoint-00000027.safetensors"));
  writeFileSync(join(dir, "checkpoint-00000030.safetensors.tmp-999999-0"), "torn");
  await withStore(path, async (s) => {
    const r = await trainRun({ store: s, resume: id });
    assert.equal(r.resumedFrom, 24);
  });
  assert.ok(!existsSync(join(dir, "checkpoint-00000030.safetensors.tmp-999999-0")));
  const want = withStore(ref.path, (s) => series(s, ref.id));
  withStore(path, (s) => assert.deepEqual(series(s, id), want));
});

test("a divergence: FAILED, a divergence event naming step and cause, the last good checkpoint kept", async () => {
  // lr jumps from 0.05 to 5e6 at step 11 (step schedule), after checkpoints at 5 and 10.
  const bad = tinyConfig({
    steps: 30,
    checkpointEvery: 5,
    optimizer: { name: "sgd", lr: 0.05 },
    schedule: { name: "step", stepSize: 10, gamma: 1e8 },
    data: { name: "teacher-student", n: 64, teacher: { arch: "mlp", sizes: [2, 8, 2], activation: "relu" } },
    model: { arch: "mlp", sizes: [2, 8, 2], activation: "relu" },
  });
  const path = storeIn(scratch());
  await withStore(path, async (s) => {
    const r = await trainRun({ store: s, config: bad });
    assert.equal(r.status, "FAILED");
    const d = r.divergence;
    assert.ok(d && d.step > 10 && d.step <= 30, JSON.stringify(d));
    const run = s.getRun(r.id);
    assert.equal(run.status, "FAILED");
    assert.equal(run.error, `diverged: ${d.cause}`);
    const [ev] = s.events(r.id, { kind: "divergence" });
    assert.equal(ev.step, d.step);
    assert.equal(ev.payload.cause, d.cause);
    assert.match(d.cause, new RegExp(`at step ${d.step}$`));
    assert.equal(ev.payload.lastCheckpoint, r.checkpoint);
    assert.match(r.checkpoint ?? "", /checkpoint-00000010\.safetensors$/);
    const { state } = readCheckpoint(r.checkpoint as string, prepareRun(bad).initialState());
    assert.equal(state.step, 10);
    assert.equal(r.weights, null);
    for (const p of s.scalars(r.id))
      assert.ok(Number.isFinite(p.value), `no garbage value stored (${p.key} at ${p.step})`);
    await assert.rejects(
      trainRun({ store: s, resume: r.id }),
      (e: unknown) => e instanceof InputError && /is FAILED/.test(e.message),
    );
  });
});

test("resuming a finished run, or giving both or neither of config and resume, is an input error", async () => {
  const { path, id } = await reference(tinyConfig({ steps: 3 }));
  await withStore(path, async (s) => {
    await assert.rejects(
      trainRun({ store: s, resume: id }),
      (e: unknown) =>
        e instanceof InputError &&
        /is FINISHED; only a KILLED \(interrupted\) or RUNNING \(crashed\) run can be resumed/.test(e.message),
    );
    await assert.rejects(trainRun({ store: s }), InputError);
    await assert.rejects(trainRun({ store: s, config: cfg, resume: id }), InputError);
    await assert.rejects(trainRun({ store: s, resume: "ffffffffffff" }), /no run/);
  });
});

test("a config that does not fit its data creates no run", async () => {
  const path = storeIn(scratch());
  await withStore(path, async (s) => {
    await assert.rejects(
      trainRun({ store: s, config: tinyConfig({ model: { arch: "mlp", sizes: [3, 4, 2] } }) }),
      /data \(two-moons\): x has shape \[\d+,2\], expected \[N, 3\] for this mlp/,
    );
    await assert.rejects(
      trainRun({ store: s, config: tinyConfig({ model: { arch: "mlp", sizes: [2, 4, 1] } }) }),
      /label 1 .* is not a class in \[0, 1\)/,
    );
    assert.equal(s.listRuns().length, 0);
  });
});
