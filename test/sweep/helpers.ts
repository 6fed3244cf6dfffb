/** Shared fixtures of the sweep tests: a tiny base run config (a 2-8-2 MLP on 64 two-moons points). */
import type { RunConfigInput } from "../../src/train/config.ts";

export function tinyBase(over: Partial<RunConfigInput> = {}): Record<string, unknown> {
  return {
    model: { arch: "mlp", sizes: [2, 8, 2], activation: "tanh" },
    data: { name: "two-moons", n: 64 },
    optimizer: { name: "sgd", lr: 0.1 },
    steps: 20,
    batchSize: 8,
    logEvery: 1,
    evalEvery: 5,
    checkpointEvery: 5,
    ...over,
  };
}
