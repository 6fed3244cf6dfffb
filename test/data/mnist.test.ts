/** The shipped MNIST digits: read from the package's files, split by a seed, never by Math.random. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { mnist, mnistDigits } from "../../src/data/mnist.ts";
import { InputError } from "../../src/errors.ts";

const perDigit = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

test("10 000 digits of 784 intensities in [0, 1], labelled by their file", () => {
  const { x, y } = mnistDigits();
  assert.deepEqual(x.shape, [10000, 784]);
  assert.deepEqual(y.shape, [10000]);
  const counts = new Array(10).fill(0);
  for (const v of y.data) counts[v]++;
  assert.deepEqual(counts, perDigit);
  let lo = Infinity,
    hi = -Infinity;
  for (const v of x.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  assert.equal(lo, 0);
  assert.ok(hi <= 1 && hi > 0.99);
});

/** A fingerprint of each row: its pixel sum and label. */
const rows = (t: { x: { data: Float64Array; shape: readonly number[] }; y: { data: Float64Array } }) =>
  Array.from(
    t.y.data,
    (label, i) => `${label}:${t.x.data.subarray(i * 784, (i + 1) * 784).reduce((s, v) => s + v, 0)}`,
  );

test("the split is a seeded partition: same seed same split, another seed another", () => {
  const a = mnist({ trainFraction: 0.8 }, key(1));
  assert.equal(a.train.x.shape[0], 8000);
  assert.equal(a.test.x.shape[0], 2000);
  assert.equal(a.classes, 10);
  assert.equal(a.loss, "xent");
  const all = [...rows(a.train), ...rows(a.test)].sort();
  assert.deepEqual(all, rows(mnistDigits()).sort(), "train ∪ test is every digit exactly once");
  assert.deepEqual(rows(mnist({ trainFraction: 0.8 }, key(1)).test), rows(a.test));
  assert.notDeepEqual(rows(mnist({ trainFraction: 0.8 }, key(2)).test), rows(a.test));
});

test("limit takes a seeded subset; too large a limit is an input error", () => {
  const t = mnist({ trainFraction: 0.5, limit: 300 }, key(4));
  assert.equal(t.train.x.shape[0] + t.test.x.shape[0], 300);
  assert.ok(new Set(t.train.y.data).size > 5, "a random subset, not the first digits of the file");
  assert.throws(() => mnist({ trainFraction: 0.5, limit: 20000 }, key(4)), InputError);
});
