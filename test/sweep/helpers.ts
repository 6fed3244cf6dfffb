/** Shared fixtures of the sweep tests. */
import type { RunConfigInput } from "../../src/train/config.ts";
import { tinyConfigInput } from "../train/helpers.ts";

/** The training tests' tiny run config (a 2-8-2 MLP on 64 two-moons points) as a sweep's base: no seed, a checkpoint every 5 steps. */
export function tinyBase(over: Partial<RunConfigInput> = {}): Record<string, unknown> {
  const { seed: _label, ...base } = tinyConfigInput({ checkpointEvery: 5, ...over });
  return base;
}

import { readSafetensors } from "../../src/io/safetensors.ts";
import type { RunStore } from "../../src/store/types.ts";
import { BOOKKEEPING_EVENTS } from "../../src/sweep/record.ts";

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
