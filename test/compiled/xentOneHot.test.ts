/**
 * The batch cross-entropy without its one-hot passes (docs/performance.md §compiled-transformer,
 * src/compiled/xentOneHot.ts) against the eager op-by-op arithmetic — the one-hot product, its
 * sum over all entries from 0, the scaled one-hot seed and log-softmax's reverse pass — bit for
 * bit, on log-probabilities with ±0, subnormals and huge values, labels at the first and last
 * class; and null (the caller's fallback) where an entry is ±∞ or NaN.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { logSoftmaxBackward, logSoftmaxRows } from "../../src/core/kernels/fused.ts";
import { reduceAxes } from "../../src/core/kernels/reduce.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { oneHotInto } from "../../src/nn/losses.ts";
import { compileLossSeed } from "../../src/compiled/lossSeed.ts";
import { xentOneHot } from "../../src/compiled/xentOneHot.ts";
import { assertBitEqual } from "./helpers.ts";

/** The eager xent on log-probabilities a: value and seed through log-softmax's reverse, op by op. */
function eager(a: Float64Array, target: Float64Array, rows: number, C: number): [number, Float64Array] {
  const b = oneHotInto(target, C, new Float64Array(rows * C));
  const c = a.map((v, i) => v * b[i]);
  const value = -(reduceAxes(c, [rows, C], [0, 1], "sum")[0] / rows);
  const seed = b.map((v) => (-1 / rows) * v);
  const gz = new Float64Array(rows * C);
  logSoftmaxBackward(seed, a, rows, C, gz);
  return [value, gz];
}

const SPECIAL = [0, -0, 5e-324, -5e-324, -700, -1e300, 1e-300];

test("xentOneHot equals the eager one-hot sum and seed bit for bit", () => {
  const rng = new FastNormal(81);
  let checked = 0;
  for (const [rows, C] of [
    [1, 1],
    [1, 5],
    [3, 2],
    [7, 10],
    [64, 99],
  ])
    for (const special of [0, 0.2, 1]) {
      const a = rng.fill(new Float64Array(rows * C)).map((v) => v * 3);
      for (let i = 0; i < a.length; i++)
        if (rng.uniform() < special) a[i] = SPECIAL[Math.floor(rng.uniform() * SPECIAL.length)];
      const target = new Float64Array(rows).map((_, r) => (r % 3 === 0 ? 0 : r % 3 === 1 ? C - 1 : (r * 7) % C));
      const gz = new Float64Array(rows * C).fill(9);
      const value = xentOneHot(a, target, rows, C, gz);
      const [wantValue, wantGz] = eager(a, target, rows, C);
      assert.ok(value !== null, "finite log-probabilities take the one-hot-free path");
      assert.ok(Object.is(value, wantValue), `value ${value} vs eager ${wantValue} (${rows}×${C}, special ${special})`);
      assertBitEqual(gz, wantGz, `seed ${rows}×${C} special ${special}`);
      checked++;
    }
  assert.equal(checked, 15);
  // Every entry −0: the eager sum 0 + (−0) + … is +0, so the loss is −0 (a sum started at −0 would give +0).
  const a = new Float64Array(6).fill(-0);
  const target = Float64Array.of(1, 2);
  const [wantValue] = eager(a, target, 2, 3);
  assert.ok(Object.is(wantValue, -0));
  assert.ok(Object.is(xentOneHot(a, target, 2, 3, new Float64Array(6)), wantValue));
});

test("xentOneHot returns null where a log-probability is ±∞ or NaN, and the loss seed then still equals the eager one", () => {
  const rows = 4,
    C = 6;
  const target = Float64Array.of(0, 5, 2, 3);
  for (const bad of [Infinity, -Infinity, NaN]) {
    const a = new FastNormal(82).fill(new Float64Array(rows * C));
    a[7] = bad; // row 1, not its label
    assert.equal(xentOneHot(a, target, rows, C, new Float64Array(rows * C)), null, `${bad}`);
  }
  // Through the loss seed: a logit of −∞ gives a log-probability of −∞ (not at a label): NaN, as eager.
  const z = new FastNormal(83).fill(new Float64Array(rows * C));
  z[3] = -Infinity;
  const a = new Float64Array(rows * C);
  logSoftmaxRows(z, rows, C, a);
  const [wantValue, wantGz] = eager(a, target, rows, C);
  const gz = new Float64Array(rows * C);
  const value = compileLossSeed("xent", rows, C).run(z, target, gz);
  assert.ok(Number.isNaN(value) && Number.isNaN(wantValue));
  assertBitEqual(gz, wantGz, "seed with a −∞ logit");
});

test("xentOneHot rejects labels that are not classes, as the eager one-hot does", () => {
  const a = new Float64Array(6);
  for (const bad of [-1, 3, 1.5, NaN])
    assert.throws(
      () => xentOneHot(a, Float64Array.of(0, bad), 2, 3, new Float64Array(6)),
      /xent: label .* at position 1 is not a class in \[0, 3\)/,
    );
});
