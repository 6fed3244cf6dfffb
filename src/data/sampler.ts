/**
 * Mini-batch samplers. The batch drawn at position t (the number of batches drawn before it) is a
 * pure function of (key, t), so a sampler's whole state is that one integer — which is what a
 * checkpoint stores, and why a resumed run sees exactly the batches an uninterrupted one would.
 *
 * - without replacement (torch's shuffled DataLoader): epoch e visits a permutation drawn from
 *   foldIn(key, e) in ⌈N/B⌉ consecutive batches, the last one smaller when B ∤ N;
 * - with replacement: B indices uniform in [0, N) drawn from foldIn(key, t).
 */
import { type Key, foldIn, permutation, randint } from "../core/random.ts";
import { takeRows } from "./split.ts";
import type { Split } from "./types.ts";

export class BatchSampler {
  /** Batch size actually used: without replacement it is at most N (B ≥ N means full batch). */
  readonly batchSize: number;
  readonly batchesPerEpoch: number;
  private epoch = -1;
  private perm: Int32Array = new Int32Array(0);

  constructor(
    readonly n: number,
    batchSize: number,
    readonly replacement: boolean,
    readonly key: Key,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`BatchSampler: need at least one sample, got ${n}`);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`BatchSampler: bad batch size ${batchSize}`);
    this.batchSize = replacement ? batchSize : Math.min(batchSize, n);
    this.batchesPerEpoch = Math.ceil(n / this.batchSize);
  }

  /** Sample indices of the batch at `position`. */
  indices(position: number): Int32Array {
    if (this.replacement) return randint(foldIn(this.key, position), this.batchSize, 0, this.n);
    const e = Math.floor(position / this.batchesPerEpoch);
    if (e !== this.epoch) {
      this.perm = permutation(foldIn(this.key, e), this.n);
      this.epoch = e;
    }
    const i = position - e * this.batchesPerEpoch;
    return this.perm.subarray(i * this.batchSize, Math.min((i + 1) * this.batchSize, this.n));
  }

  /** The batch at `position` of `data`, copied out. */
  batch(data: Split, position: number): Split {
    const idx = this.indices(position);
    return { x: takeRows(data.x, idx), y: takeRows(data.y, idx) };
  }
}
