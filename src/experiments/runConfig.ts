/**
 * Settings and run configs of the canned experiments. A run config: full-batch steps (the batch size exceeds every experiment's
 * training split) and no intermediate checkpoints — the store keeps the series, the final weights
 * are written at the end.
 */
import { parseRunConfig, type RunConfig } from "../train/config.ts";
import type { ExperimentOptions } from "./types.ts";

export function experimentRunConfig(raw: Record<string, unknown>, where: string): RunConfig {
  return parseRunConfig({ batchSize: 100000, checkpointEvery: 0, keepCheckpoints: 1, ...raw }, where);
}

/** An experiment's settings: its defaults (or quick version), then explicit overrides, then --seeds. */
export function experimentSettings<S extends { seeds: number }>(
  o: ExperimentOptions & { settings?: Partial<S> },
  defaults: S,
  quick: S,
): S {
  const s: S = { ...(o.quick ? quick : defaults), ...o.settings };
  if (o.seeds !== undefined) s.seeds = o.seeds;
  return s;
}
