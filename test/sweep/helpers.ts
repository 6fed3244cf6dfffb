/** Shared fixtures of the sweep tests. */
import assert from "node:assert/strict";
import type { RunConfigInput } from "../../src/train/config.ts";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { expandSweep } from "../../src/sweep/expand.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";
import { scratch, tinyConfigInput } from "../train/helpers.ts";
import { readSafetensors } from "../../src/io/safetensors.ts";
import type { RunStore } from "../../src/store/types.ts";
import { BOOKKEEPING_EVENTS, type RunRecord } from "../../src/sweep/record.ts";
import { runJob } from "../../src/sweep/runJob.ts";
import { storeJobResult } from "../../src/sweep/storeResult.ts";

/** The training tests' tiny run config (a 2-8-2 MLP on 64 two-moons points) as a sweep's base: no seed, a checkpoint every 5 steps. */
export function tinyBase(over: Partial<RunConfigInput> = {}): Record<string, unknown> {
  const { seed: _label, ...base } = tinyConfigInput({ checkpointEvery: 5, ...over });
  return base;
}

/** The bits of a float64, so -0, NaN payloads and every last digit count in comparisons. */
const bits = (v: number) => Buffer.from(new Float64Array([v]).buffer).toString("hex");

/**
 * What a run computed, in a form to compare exactly: config, status, every scalar point (value as
 * its bits), the events but bookkeeping (without paths), and the weights' tensors (bytes as hex).
 */
export function resultOf(store: RunStore, runId: string) {
  const run = store.getRun(runId);
  const weights = store.artifacts(runId).filter((a) => a.kind === "weights");
  return {
    config: run.config,
    status: run.status,
    scalars: store.scalars(runId).map((p) => [p.key, p.step, bits(p.value)]),
    events: store
      .events(runId)
      .filter((e) => !BOOKKEEPING_EVENTS.has(e.kind))
      .map((e) => {
        const { lastCheckpoint: _path, ...payload } = e.payload;
        return [e.step, e.kind, payload];
      }),
    weights: weights.map((w) =>
      [...readSafetensors(w.path).tensors].map(([n, t]) => [
        n,
        t.shape,
        Buffer.from((t.data as Float64Array).buffer).toString("hex"),
      ]),
    ),
  };
}

const phaseSpec = () =>
  parseSweepSpec({
    name: "ph",
    base: tinyBase(),
    grid: { "optimizer.lr": [0.1, 1], batchSize: [4, 8] },
    seeds: 2,
  });

/**
 * A store with a 2 × 2 × 2-seed sweep (optimizer.lr × batchSize × seeds) and, per job, a run made
 * up to order: `outcome(lr, batch, seed)`.
 */
export function phaseFixture(
  outcome: (lr: number, b: number, s: number) => { diverged: boolean; loss: number; event: boolean } | null,
) {
  const store = SqliteRunStore.open(join(scratch(), "runs.db"));
  const spec = phaseSpec();
  const jobs = expandSweep(spec);
  const sweep = store.sweeps().createSweep({ name: "ph", spec, executor: "local", jobs });
  for (const j of jobs) {
    const o = outcome(
      j.overrides["optimizer.lr"] as number,
      j.overrides.batchSize as number,
      j.overrides.seed as number,
    );
    if (!o) continue;
    store.transaction(() => {
      const run = store.createRun({ name: `ph-${j.index}`, config: j.config });
      store.logScalars(run.id, 10, { "test/loss": o.loss });
      if (o.event) store.logEvent(run.id, { step: 5, kind: "phase_transition" });
      if (o.diverged) store.logEvent(run.id, { step: 11, kind: "divergence", payload: { cause: "made up" } });
      store.setStatus(run.id, o.diverged ? "FAILED" : "FINISHED");
      store.sweeps().finishJob(sweep.id, j.id, run.id);
    });
  }
  return { store, sweep };
}

/** A relu 3-6-1 student of a relu 3-3-1 teacher on 20 points: C(N, 2) batches of 2 are enumerated exactly. */
export const teacherStudentBase = {
  model: { arch: "mlp", sizes: [3, 6, 1], activation: "relu" },
  data: {
    name: "teacher-student",
    teacher: { arch: "mlp", sizes: [3, 3, 1], activation: "relu" },
    n: 20,
    noise: 0.05,
    seed: 7,
  },
  loss: "mse",
  optimizer: { name: "sgd", lr: 0.05 },
  steps: 30,
  batchSize: 2,
  logEvery: 10,
  evalEvery: 10,
  checkpointEvery: 0,
};

/** A store holding a sweep over the learning rate whose jobs ran (in this process) and were stored. */
export async function sweptStore(lrs: number[]) {
  const dir = scratch();
  const spec = parseSweepSpec({ name: "gf", base: teacherStudentBase, grid: { "optimizer.lr": lrs, batchSize: [2] } });
  const jobs = expandSweep(spec);
  const store = SqliteRunStore.open(join(dir, "runs.db"));
  const sweep = store.sweeps().createSweep({ name: spec.name, spec, executor: "local", jobs });
  for (const j of jobs) {
    const out = await runJob({ jobId: j.id, config: j.config, scratch: join(dir, j.id) });
    assert.equal(out.kind, "result");
    storeJobResult(store, sweep, store.sweeps().job(sweep.id, j.id), (out as { record: RunRecord }).record, "test");
  }
  return {
    store,
    sweep,
    runIds: store
      .sweeps()
      .jobs(sweep.id)
      .map((j) => j.runId as string),
  };
}
