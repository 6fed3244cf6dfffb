/**
 * The user's own data set (`data: {name: file, path: …}`, docs/training.md §own-data): x and y from
 * a safetensors or npz file holding both, or from a pair `X.npy,Y.npy`, validated as `eval
 * --data` validates them (finite values, one sample per row), then split into train and test by
 * the data key like every other set. Integer-typed targets are class labels (loss xent, classes =
 * max label + 1); floating targets are regression values (mse) unless the run config says `loss: xent`.
 */
import type { Key } from "../core/random.ts";
import { readDataset } from "../nn/files.ts";
import { trainTestSplit } from "./split.ts";
import type { TaskData } from "./types.ts";

export function fileData(cfg: { path: string; trainFraction: number }, k: Key): TaskData {
  const { x, y, integerTargets, where } = readDataset(cfg.path);
  const { train, test } = trainTestSplit(x, y, k, cfg.trainFraction, where);
  let classes: number | undefined;
  if (integerTargets) {
    classes = 0;
    for (let i = 0; i < y.data.length; i++) classes = Math.max(classes, y.data[i] + 1);
  }
  return { name: "file", train, test, loss: integerTargets ? "xent" : "mse", ...(classes ? { classes } : {}) };
}
