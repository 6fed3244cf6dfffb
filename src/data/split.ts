/** Row gathering and the seeded train/test split shared by every data set. */
import { Tensor } from "../core/tensor.ts";
import { type Key, permutation } from "../core/random.ts";
import { InputError } from "../errors.ts";
import type { Split } from "./types.ts";

/** Rows `idx` of t (along axis 0), copied into a new tensor. */
export function takeRows(t: Tensor, idx: ArrayLike<number>): Tensor {
  const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
  const out = new Float64Array(idx.length * row);
  for (let i = 0; i < idx.length; i++) {
    const s = idx[i] * row;
    out.set(t.data.subarray(s, s + row), i * row);
  }
  return new Tensor(out, [idx.length, ...t.shape.slice(1)]);
}

/**
 * Shuffles the N samples with a permutation drawn from `k` and puts the first round(f·N) into
 * train, the rest into test. Shuffling first makes the split independent of the generation order.
 */
export function trainTestSplit(
  x: Tensor,
  y: Tensor,
  k: Key,
  trainFraction: number,
  where: string,
): { train: Split; test: Split } {
  const n = x.shape[0];
  const nTrain = Math.round(trainFraction * n);
  if (nTrain < 1)
    throw new InputError(`${where}: trainFraction ${trainFraction} leaves no training sample out of ${n}`);
  const perm = permutation(k, n);
  const tr = perm.subarray(0, nTrain);
  const te = perm.subarray(nTrain);
  return { train: { x: takeRows(x, tr), y: takeRows(y, tr) }, test: { x: takeRows(x, te), y: takeRows(y, te) } };
}
