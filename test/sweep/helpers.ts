/** Shared fixtures of the sweep tests. */
import type { RunConfigInput } from "../../src/train/config.ts";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { expandSweep } from "../../src/sweep/expand.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";
import { scratch, tinyConfigInput } from "../train/helpers.ts";
import { readSafetensors } from "../../src/io/safetensors.ts";
import type { RunStore } from "../../src/store/types.ts";
import { BOOKKEEPING_EVENTS } from "../../src/sweep/record.ts";

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
