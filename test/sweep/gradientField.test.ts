/**
 * The gradient-field test of a sweep's runs (docs/sweeps.md §phase-diagram): at a run's trained
 * weights with its own learning rate and batch size. Oracle: for plain SGD the induced-metric
 * excess of one step is exactly η·Qᵀφ₂(g_B) at fixed batches (docs/gradient-field.md §networks),
 * so at the same weights the non-gradient fraction (an energy) scales like η² — halving η divides
 * it by 4. Each finished run is tested once and its result stored; the phase diagram maps it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  GRADIENT_FIELD_EVENT,
  gradientFieldOfRun,
  storedGradientField,
  testSweepGradientField,
  type GradientFieldBudget,
} from "../../src/sweep/gradientField.ts";
import { phaseDiagram } from "../../src/sweep/phaseDiagram.ts";
import { InputError } from "../../src/errors.ts";
import { trainRun } from "../../src/train/run.ts";
import { tinyConfig } from "../train/helpers.ts";
import { sweptStore, teacherStudentBase } from "./helpers.ts";

const SMALL: GradientFieldBudget = { replicates: 6, K: 12, hodgeN: 5, hodgeReplicates: 4 };

test("at the same weights, halving the learning rate divides the non-gradient fraction by 4 (an O(η) curl)", async () => {
  const { store, runIds } = await sweptStore([0.05]);
  try {
    const run = store.getRun(runIds[0]);
    const weights = store.artifacts(run.id).find((a) => a.kind === "weights");
    assert.ok(weights);
    const config = run.config as typeof teacherStudentBase;
    const halved = store.createRun({ name: "halved", config: { ...config, optimizer: { name: "sgd", lr: 0.025 } } });
    store.addArtifact(halved.id, { name: "weights", kind: "weights", path: weights.path });
    store.setStatus(halved.id, "FINISHED");
    const full = gradientFieldOfRun(store, run.id, 0, SMALL);
    const half = gradientFieldOfRun(store, halved.id, 0, SMALL);
    assert.deepEqual([full.lr, full.batchSize, half.lr], [0.05, 2, 0.025], "the run's own optimizer");
    assert.ok(full.nonGradientFraction > 0 && full.nonGradientFraction < full.threshold);
    const ratio = full.nonGradientFraction / half.nonGradientFraction;
    assert.ok(Math.abs(ratio / 4 - 1) < 0.05, `fraction ratio ${ratio}, expected 4 (η²)`);
    // Degree-2 invariants: the excess is exactly linear in η at the same batches (common random numbers).
    const circulationRatio = full.circulation.mean / half.circulation.mean;
    assert.ok(Math.abs(circulationRatio / 2 - 1) < 1e-6, `circulation ratio ${circulationRatio}, expected 2`);
    assert.equal(full.failed, false);
    assert.deepEqual(gradientFieldOfRun(store, run.id, 0, SMALL), full, "the same stream gives the same result");
  } finally {
    store.close();
  }
});

test("a sweep's finished runs are tested once, stored with the run, and mapped by the phase diagram", async () => {
  const { store, sweep, runIds } = await sweptStore([0.02, 0.08]);
  try {
    let calls = 0;
    const first = testSweepGradientField(store, sweep.id, { budget: SMALL, onRun: () => calls++ });
    assert.deepEqual([first, calls], [{ tested: 2, stored: 0 }, 2]);
    assert.deepEqual(testSweepGradientField(store, sweep.id, { budget: SMALL }), { tested: 0, stored: 2 });
    const stored = runIds.map((id) => storedGradientField(store, id));
    assert.deepEqual(
      stored.map((g) => g && [g.lr, g.batchSize]),
      [
        [0.02, 2],
        [0.08, 2],
      ],
    );
    assert.equal(store.events(runIds[0], { kind: GRADIENT_FIELD_EVENT }).length, 1, "stored once");
    assert.deepEqual(stored[1], gradientFieldOfRun(store, runIds[1], 0, SMALL), "what was stored is the test");
    const d = phaseDiagram(store, sweep.id, {});
    const byMetric = Object.fromEntries(d.maps.map((m) => [m.metric, m.values]));
    assert.ok(!("event:gradient_field" in byMetric), "the stored test is not a detected event");
    assert.deepEqual(byMetric["gradient-field"], [[0, 0]]);
    assert.deepEqual(byMetric["non-gradient-fraction"], [stored.map((g) => g?.nonGradientFraction)]);
  } finally {
    store.close();
  }
});

test("runs of optimizers whose drift is no batch gradient, or of models without invariants, are refused with the run named", async () => {
  const { store, runIds } = await sweptStore([0.05]);
  try {
    const run = store.getRun(runIds[0]);
    const weights = store.artifacts(run.id).find((a) => a.kind === "weights");
    const momentum = store.createRun({
      name: "momentum",
      config: { ...(run.config as typeof teacherStudentBase), optimizer: { name: "sgd", lr: 0.05, momentum: 0.9 } },
    });
    store.addArtifact(momentum.id, { name: "weights", kind: "weights", path: weights!.path });
    assert.throws(
      () => gradientFieldOfRun(store, momentum.id, 0, SMALL),
      new RegExp(`run ${momentum.id}: covers plain SGD without momentum, got sgd with momentum 0.9`),
    );
    // tanh hidden neurons are only permuted: no continuous symmetry, no closed-form invariants to chart
    const tanh = await trainRun({ store, config: tinyConfig({ steps: 5 }) });
    assert.throws(
      () => gradientFieldOfRun(store, tanh.id, 0, SMALL),
      (e: Error) =>
        e instanceof InputError && e.message.startsWith(`gradient-field test of run ${tanh.id}: quotient coordinates:`),
    );
  } finally {
    store.close();
  }
});
