/** Fixtures of the analyze tests: a small shocklens run with checkpoints, its initial weights and data. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { saveTree } from "../../src/nn/files.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { parseRunConfig } from "../../src/train/config.ts";
import { prepareRun } from "../../src/train/setup.ts";
import { trainRun } from "../../src/train/run.ts";
import type { Tree } from "../../src/core/tree.ts";
import { tinyConfigInput } from "../train/helpers.ts";

export const model: { arch: "mlp"; sizes: number[]; activation: "relu" } = {
  arch: "mlp",
  sizes: [2, 6, 2],
  activation: "relu",
};

/** Fresh parameters of an MLP with these layer sizes (what a first checkpoint of such a run holds). */
export function initialParams(sizes: number[]): Tree {
  const config = parseRunConfig(
    tinyConfigInput({ seed: 1, model: { ...model, sizes }, data: { name: "two-moons", n: 8 }, steps: 1, batchSize: 4 }),
  );
  return prepareRun(config).initialState().params;
}

/** A store with a shocklens run (checkpoints every 10 of 30 full-batch SGD steps), its init weights and data. */
export async function setup(dir: string) {
  const config = parseRunConfig(
    tinyConfigInput({
      seed: 4,
      model,
      data: { name: "two-moons", n: 48 },
      optimizer: { name: "sgd", lr: 0.2 },
      steps: 30,
      batchSize: 1000,
      logEvery: 10,
      evalEvery: 0,
      checkpointEvery: 10,
      keepCheckpoints: 10,
    }),
  );
  const prepared = prepareRun(config);
  writeFileSync(join(dir, "model.json"), JSON.stringify(model));
  saveTree(join(dir, "init.safetensors"), prepared.initialState().params);
  const { x, y } = prepared.task.train;
  writeSafetensors(join(dir, "data.safetensors"), {
    x: { dtype: "F64", shape: [...x.shape], data: x.data },
    y: { dtype: "I64", shape: [...y.shape], data: BigInt64Array.from(Array.from(y.data, (v) => BigInt(v))) },
  });
  const store = SqliteRunStore.open(join(dir, "train.db"));
  const r = await trainRun({ store, config });
  store.close();
  return { runDir: r.dir };
}
