/** The training loop: logging cadence, evaluation, callbacks, interruption and divergence. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as F from "../../src/core/ops/index.ts";
import type { Model } from "../../src/nn/index.ts";
import type { Tree } from "../../src/core/tree.ts";
import { trainLoop, type Callback } from "../../src/train/loop.ts";
import { prepareRun } from "../../src/train/setup.ts";
import { MemorySink, tinyConfig } from "./helpers.ts";

test("logs train/loss, grad norm and lr every logEvery steps, evaluates at 0, every evalEvery and at the end", async () => {
  const p = prepareRun(tinyConfig({ steps: 12, logEvery: 4, evalEvery: 5, checkpointEvery: 6 }));
  const sink = new MemorySink();
  const r = await trainLoop(p.loopOptions(p.initialState(), { sink }));
  assert.equal(r.status, "finished");
  assert.equal(r.state.step, 12);
  assert.equal(r.state.position, 12);
  const withKey = (k: string) => sink.records.filter((x) => k in x.scalars).map((x) => x.step);
  assert.deepEqual(withKey("train/loss"), [4, 8, 12]);
  assert.deepEqual(withKey("lr"), [4, 8, 12]);
  assert.deepEqual(withKey("test/accuracy"), [0, 5, 10, 12]);
  assert.deepEqual(
    sink.checkpoints.map((s) => s.step),
    [6, 12],
  );
  assert.deepEqual(Object.keys(r.metrics).sort(), ["test/accuracy", "test/loss"]);
  assert.ok(r.metrics["test/accuracy"] >= 0 && r.metrics["test/accuracy"] <= 1);
});

test("training reduces the loss (the loop really optimizes)", async () => {
  const p = prepareRun(
    tinyConfig({
      steps: 300,
      optimizer: { name: "adam", lr: 0.05 },
      data: { name: "two-moons", n: 200, noise: 0.05 },
      evalTrain: true,
    }),
  );
  const sink = new MemorySink();
  const r = await trainLoop(p.loopOptions(p.initialState(), { sink }));
  assert.ok(
    r.metrics["train/loss"] < 0.5 * (sink.records[0].scalars["train/loss"] as number),
    JSON.stringify(r.metrics),
  );
  assert.ok(r.metrics["test/accuracy"] > 0.85, JSON.stringify(r.metrics));
});

test("callbacks see every step and can add scalars and events to its record", async () => {
  const p = prepareRun(tinyConfig({ steps: 6 }));
  const sink = new MemorySink();
  const seen: number[] = [];
  let started = -1,
    ended = "";
  const monitor: Callback = {
    onStart: (s, total) => (started = s.step + total),
    onStep: (info) => {
      seen.push(info.step);
      info.record.scalars["monitor/param_norm"] = Math.sqrt(info.state.params ? 1 : 0);
      if (info.step === 3) info.record.events.push({ kind: "shock", payload: { where: "here" } });
    },
    onEnd: (r) => (ended = r.status),
  };
  await trainLoop(p.loopOptions(p.initialState(), { sink, callbacks: [monitor] }));
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
  assert.equal(started, 6);
  assert.equal(ended, "finished");
  assert.equal(sink.records.filter((r) => "monitor/param_norm" in r.scalars).length, 6);
  assert.deepEqual(sink.records.find((r) => r.step === 3)?.events, [{ kind: "shock", payload: { where: "here" } }]);
});

test("an abort stops after the current step and checkpoints it", async () => {
  const p = prepareRun(tinyConfig({ steps: 50 }));
  const sink = new MemorySink();
  const ac = new AbortController();
  const r = await trainLoop(
    p.loopOptions(p.initialState(), {
      sink,
      signal: ac.signal,
      callbacks: [{ onStep: (i) => i.step === 7 && ac.abort() }],
    }),
  );
  assert.equal(r.status, "interrupted");
  assert.equal(r.state.step, 7);
  assert.deepEqual(
    sink.checkpoints.map((s) => s.step),
    [7],
  );
});

/** The run's model with its output passed through `f`, to provoke a divergence at will. */
function poisoned(
  model: Model,
  f: (out: ReturnType<Model["apply"]>, params: Tree) => ReturnType<Model["apply"]>,
): Model {
  return { ...model, apply: (p, x) => f(model.apply(p, x), p) };
}

test("a NaN loss stops the run at that step, naming the cause; the state is the last good one", async () => {
  const p = prepareRun(tinyConfig({ steps: 10 }));
  let calls = 0;
  // Finite for the evaluation at step 0 and the first 4 steps, then NaN.
  const model = poisoned(p.model, (out) => (++calls > 5 ? F.mul(out, NaN) : out));
  const sink = new MemorySink();
  const r = await trainLoop({ ...p.loopOptions(p.initialState(), { sink }), model });
  assert.equal(r.status, "diverged");
  assert.deepEqual(r.divergence, { step: 5, what: "loss", cause: "the loss is NaN at step 5" });
  assert.equal(r.state.step, 4);
  assert.deepEqual(
    sink.records.map((x) => x.step),
    [0, 1, 2, 3, 4],
    "nothing is logged for the failing step",
  );
});

test("a non-finite gradient with a finite loss is a divergence too", async () => {
  const p = prepareRun(tinyConfig({ steps: 10 }));
  // d/dw √(w − w) at 0 is 0·∞ = NaN while the value stays 0.
  const model = poisoned(p.model, (out, params) => {
    const w = (params as { fc0: { weight: ReturnType<Model["apply"]> } }).fc0.weight;
    return F.add(out, F.sum(F.sqrt(F.sub(w, w))));
  });
  const r = await trainLoop({ ...p.loopOptions(p.initialState()), model });
  assert.equal(r.status, "diverged");
  assert.equal(r.divergence?.what, "gradient");
  assert.match(r.divergence?.cause ?? "", /^the gradient of fc0\.weight\[0\] is NaN at step 1$/);
});

test("an update that overflows the parameters is caught before it is used", async () => {
  const p = prepareRun(tinyConfig({ steps: 10, optimizer: { name: "sgd", lr: 1e308, weightDecay: 100 } }));
  const r = await trainLoop(p.loopOptions(p.initialState()));
  assert.equal(r.status, "diverged");
  assert.equal(r.divergence?.step, 1);
  assert.equal(r.divergence?.what, "parameters");
  assert.equal(r.state.step, 0);
});
