/**
 * The run config of a canned experiment: full-batch steps (the batch size exceeds every experiment's
 * training split) and no intermediate checkpoints — the store keeps the series, the final weights
 * are written at the end.
 */
import { parseRunConfig, type RunConfig } from "../train/config.ts";

export function experimentRunConfig(raw: Record<string, unknown>, where: string): RunConfig {
  return parseRunConfig({ batchSize: 100000, checkpointEvery: 0, keepCheckpoints: 1, ...raw }, where);
}
