/** Mini-batch samplers: epochs are permutations, batches are pure functions of the position. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { BatchSampler } from "../../src/data/sampler.ts";

test("without replacement each epoch visits every sample once, the last batch smaller", () => {
  const s = new BatchSampler(10, 4, false, key(0));
  assert.equal(s.batchesPerEpoch, 3);
  for (const e of [0, 1, 5]) {
    const batches = [0, 1, 2].map((i) => Array.from(s.indices(3 * e + i)));
    assert.deepEqual(
      batches.map((b) => b.length),
      [4, 4, 2],
    );
    assert.deepEqual(
      batches.flat().sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  }
  assert.notDeepEqual(Array.from(s.indices(0)), Array.from(s.indices(3)), "each epoch reshuffles");
});

test("the batch at a position does not depend on what was drawn before (resumable)", () => {
  const a = new BatchSampler(50, 8, false, key(1));
  const b = new BatchSampler(50, 8, false, key(1));
  const seq = Array.from({ length: 20 }, (_, p) => Array.from(a.indices(p)));
  assert.deepEqual(Array.from(b.indices(13)), seq[13]);
  assert.deepEqual(Array.from(b.indices(2)), seq[2]);
  const r1 = new BatchSampler(50, 8, true, key(1));
  const r2 = new BatchSampler(50, 8, true, key(1));
  assert.deepEqual(Array.from(r2.indices(9)), Array.from(r1.indices(9)));
});

test("with replacement: B indices in range, repeats allowed, batch larger than N allowed", () => {
  const s = new BatchSampler(5, 40, true, key(2));
  const idx = Array.from(s.indices(0));
  assert.equal(idx.length, 40);
  assert.ok(idx.every((i) => i >= 0 && i < 5));
  assert.equal(new Set(idx).size, 5);
});

test("without replacement a batch of at least N is the full batch", () => {
  const s = new BatchSampler(6, 100, false, key(3));
  assert.equal(s.batchSize, 6);
  assert.deepEqual(Array.from(s.indices(4)).sort(), [0, 1, 2, 3, 4, 5]);
});
