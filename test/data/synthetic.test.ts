/** Generated tasks: geometry, balance and determinism. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { gaussianMixture, spirals, twoMoons } from "../../src/data/synthetic.ts";
import type { TaskData } from "../../src/data/types.ts";

/** Train and test samples together, as [x0, x1, label] rows. */
function points(t: TaskData): number[][] {
  const out: number[][] = [];
  for (const s of [t.train, t.test]) {
    const d = s.x.shape[1];
    for (let i = 0; i < s.x.shape[0]; i++) out.push([...s.x.data.subarray(i * d, (i + 1) * d), s.y.data[i]]);
  }
  return out;
}

test("two moons without noise lie on their half circles; labels are balanced", () => {
  const t = twoMoons({ n: 400, noise: 0, trainFraction: 0.75 }, key(0));
  assert.equal(t.train.x.shape[0], 300);
  const pts = points(t);
  for (const [x0, x1, c] of pts) {
    const r = c === 0 ? Math.hypot(x0, x1) : Math.hypot(x0 - 1, x1 - 0.5);
    assert.ok(Math.abs(r - 1) < 1e-12, `radius ${r}`);
    assert.ok(c === 0 ? x1 >= 0 : x1 <= 0.5);
  }
  assert.equal(pts.filter((p) => p[2] === 1).length, 200);
});

test("spirals stay in the unit disc (no noise) and have one class per arm", () => {
  const t = spirals({ n: 300, arms: 3, turns: 1.5, noise: 0, trainFraction: 1 }, key(1));
  assert.equal(t.classes, 3);
  assert.equal(t.test.x.shape[0], 0);
  for (const [x0, x1] of points(t)) assert.ok(Math.hypot(x0, x1) < 1);
  assert.deepEqual(
    [0, 1, 2].map((c) => points(t).filter((p) => p[2] === c).length),
    [100, 100, 100],
  );
});

test("a Gaussian mixture's classes sit around distinct means", () => {
  const t = gaussianMixture({ n: 3000, classes: 3, dim: 2, separation: 5, std: 0.1, trainFraction: 0.5 }, key(2));
  const means = [0, 1, 2].map((c) => {
    const p = points(t).filter((q) => q[2] === c);
    return [0, 1].map((j) => p.reduce((s, q) => s + q[j], 0) / p.length);
  });
  for (let a = 0; a < 3; a++)
    for (let b = a + 1; b < 3; b++) assert.ok(Math.hypot(means[a][0] - means[b][0], means[a][1] - means[b][1]) > 1);
});

test("the same key gives the same data, another key other data", () => {
  const cfg = { n: 100, noise: 0.1, trainFraction: 0.8 };
  assert.deepEqual(points(twoMoons(cfg, key(5))), points(twoMoons(cfg, key(5))));
  assert.notDeepEqual(points(twoMoons(cfg, key(5))), points(twoMoons(cfg, key(6))));
});
