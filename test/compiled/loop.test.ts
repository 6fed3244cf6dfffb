/**
 * The training loop with `compile: true` (docs/performance.md §compiled-step): the same records and
 * the same final state as the eager loop, bit for bit — plain SGD, Adam, and Entropy-SGD, whose inner
 * loop draws its own mini-batch gradients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { trainLoop } from "../../src/train/loop.ts";
import { prepareRun } from "../../src/train/setup.ts";
import type { RunConfigInput } from "../../src/train/config.ts";
import { InputError } from "../../src/errors.ts";
import { tinyConfig } from "../train/helpers.ts";
import { assertCompiledLoopMatchesEager, assertTreesBitEqual } from "./helpers.ts";

const RUNS: [string, Partial<RunConfigInput>][] = [
  [
    "sgd, relu 2-8-8-2",
    {
      model: { arch: "mlp", sizes: [2, 8, 8, 2], activation: "relu" },
      data: { name: "two-moons", n: 60 },
    },
  ],
  ["adam, tanh", { optimizer: { name: "adam", lr: 0.01 } }],
  ["entropy-sgd", { optimizer: { name: "entropy-sgd", lr: 0.1, innerLr: 0.05, innerSteps: 3, gamma: 1, beta: 1e4 } }],
];

for (const [name, over] of RUNS) {
  test(`compile: true trains exactly as the eager loop: ${name}`, async () => {
    await assertCompiledLoopMatchesEager(tinyConfig({ steps: 12, logEvery: 1, evalEvery: 4, ...over }), 12);
  });
}

test("the run config's compile: true reaches the loop and trains as the eager run", async () => {
  const eagerRun = prepareRun(tinyConfig({ steps: 6 }));
  const p = prepareRun(tinyConfig({ steps: 6, compile: true }));
  const opts = p.loopOptions(p.initialState(), {});
  assert.equal(opts.compile, true);
  assert.equal(eagerRun.loopOptions(eagerRun.initialState(), {}).compile, false);
  const [a, b] = [await trainLoop(eagerRun.loopOptions(eagerRun.initialState(), {})), await trainLoop(opts)];
  assertTreesBitEqual(b.state.params, a.state.params, "final params");
  assert.throws(
    () => prepareRun(tinyConfig({ model: { arch: "mlp", sizes: [2, 8, 2], activation: "gelu" }, compile: true })),
    (e: unknown) => e instanceof InputError && /compile: activation "gelu"/.test(e.message),
  );
});

test("compile: true on a model without a compiled form is an input error naming it", async () => {
  const p = prepareRun(tinyConfig({ model: { arch: "mlp", sizes: [2, 8, 2], activation: "gelu" } }));
  await assert.rejects(
    trainLoop({ ...p.loopOptions(p.initialState(), {}), compile: true }),
    (e: unknown) => e instanceof InputError && /activation "gelu"/.test(e.message),
  );
});
