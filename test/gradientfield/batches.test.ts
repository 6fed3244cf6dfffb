/**
 * The batches an exact mean enumerates (docs/gradient-field.md §fields): every subset of size B once
 * (C(N, B) of them) or every ordered tuple with replacement (N^B), none when there are too many, and
 * the whole set for B ≥ N without replacement (the training sampler's full batch) — at once, also
 * for large N, where a search without pruning would take forever.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { enumerateBatches } from "../../src/gradientfield/stepper.ts";

test("enumerateBatches: all C(N, B) subsets once, N^B tuples with replacement, the full set for B ≥ N", () => {
  const subsets = enumerateBatches(6, 3, false) as Int32Array[];
  assert.equal(subsets.length, 20);
  assert.equal(new Set(subsets.map((s) => s.join(","))).size, 20);
  assert.ok(subsets.every((s) => s[0] < s[1] && s[1] < s[2] && s[2] < 6));
  assert.equal((enumerateBatches(3, 2, true) as Int32Array[]).length, 9);
  assert.equal(enumerateBatches(64, 8, false), null, "C(64, 8) is too many to enumerate");
  for (const B of [64, 65, 500]) {
    const t0 = performance.now();
    const full = enumerateBatches(64, B, false) as Int32Array[];
    assert.ok(performance.now() - t0 < 100, `B = ${B} at once`);
    assert.deepEqual(
      full.map((s) => Array.from(s)),
      [Array.from({ length: 64 }, (_, i) => i)],
    );
  }
  const nearlyAll = enumerateBatches(64, 63, false) as Int32Array[];
  assert.equal(nearlyAll.length, 64, "C(64, 63) subsets, found without exploring dead branches");
});
