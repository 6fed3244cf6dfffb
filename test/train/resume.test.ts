/**
 * Resume is bit-identical for every optimizer: train 2N steps ≡ train N, checkpoint to a file,
 * read it back, train N more — same parameters, optimizer state and logged values, to the bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ravel } from "../../src/core/tree.ts";
import { stateToNamed } from "../../src/optim/state.ts";
import type { RunConfigInput } from "../../src/train/config.ts";
import { readCheckpoint, writeCheckpoint } from "../../src/train/checkpoint.ts";
import { trainLoop } from "../../src/train/loop.ts";
import { prepareRun } from "../../src/train/setup.ts";
import { MemorySink, scratch, tinyConfig } from "./helpers.ts";

const dir = scratch();
const N = 10;

const cases: [string, Partial<RunConfigInput>][] = [
  ["sgd", { optimizer: { name: "sgd", lr: 0.1 } }],
  [
    "sgd + Nesterov momentum + weight decay, cosine schedule with warm-up",
    {
      optimizer: { name: "sgd", lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
      schedule: { name: "cosine", warmup: 3 },
    },
  ],
  [
    "sgd + dampened momentum, batches with replacement",
    { optimizer: { name: "sgd", lr: 0.1, momentum: 0.5, dampening: 0.3 }, replacement: true },
  ],
  [
    "adam + L2, step schedule",
    { optimizer: { name: "adam", lr: 0.01, weightDecay: 1e-2 }, schedule: { name: "step", stepSize: 4, gamma: 0.5 } },
  ],
  ["adamw", { optimizer: { name: "adamw", lr: 0.01 } }],
  ["sgld", { optimizer: { name: "sgld", lr: 0.05, beta: 100 } }],
  [
    "entropy-sgd (3 Langevin steps per step, scoping)",
    {
      optimizer: {
        name: "entropy-sgd",
        lr: 0.5,
        innerLr: 0.05,
        innerSteps: 3,
        gamma: 0.5,
        gammaScoping: 0.1,
        beta: 1e3,
      },
    },
  ],
];

for (const [name, over] of cases) {
  test(`resume is bit-identical: ${name}`, async () => {
    const p = prepareRun(tinyConfig({ steps: 2 * N, ...over }));
    const full = new MemorySink();
    const a = await trainLoop(p.loopOptions(p.initialState(), { sink: full }));

    const first = new MemorySink();
    const stop = new AbortController();
    const half = await trainLoop(
      p.loopOptions(p.initialState(), {
        sink: first,
        signal: stop.signal,
        callbacks: [{ onStep: (i) => i.step === N && stop.abort() }],
      }),
    );
    assert.equal(half.status, "interrupted");
    const file = join(dir, `${name.split(" ")[0]}-${N}.safetensors`);
    writeCheckpoint(file, first.checkpoints[0], {
      runId: "r",
      optimizer: p.optimizer.name,
      keys: { sampler: p.keys.sampler, opt: p.keys.opt },
    });

    const q = prepareRun(tinyConfig({ steps: 2 * N, ...over })); // a fresh process would rebuild everything
    const fresh = q.initialState();
    const { state } = readCheckpoint(file, fresh);
    assert.equal(state.step, N);
    assert.equal(state.position, N * p.optimizer.gradsPerStep);
    const rest = new MemorySink();
    const b = await trainLoop(q.loopOptions(state, { sink: rest }));

    assert.equal(b.status, "finished");
    assert.deepEqual(ravel(b.state.params), ravel(a.state.params), "parameters");
    assert.deepEqual(stateToNamed(b.state.opt).numbers, stateToNamed(a.state.opt).numbers);
    assert.deepEqual(
      stateToNamed(b.state.opt).tensors.map(([n, t]) => [n, Array.from(t.data)]),
      stateToNamed(a.state.opt).tensors.map(([n, t]) => [n, Array.from(t.data)]),
    );
    assert.deepEqual([...first.records, ...rest.records], full.records, "the logged values, step by step");
    assert.notDeepEqual(ravel(a.state.params), ravel(p.initialState().params), "training moved the parameters");
  });
}
