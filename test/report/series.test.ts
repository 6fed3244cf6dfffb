/** Display decimation, debiased EMA and seed aggregation (docs/dashboard.md §series). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { aggregate, decimate, emaDebiased } from "../../src/report/series.ts";
import { key, normalArray } from "../../src/core/random.ts";

function series(n: number, seed = 1) {
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const y = normalArray(key(seed), n);
  return { x, y };
}

test("decimate keeps every bucket's min and max, the first and last point, and at most ~2 points per bucket", () => {
  const s = series(100_000);
  s.y[31_337] = 50; // a spike
  s.y[77_000] = -60;
  const d = decimate(s, 500);
  assert.equal(d.exact, false);
  assert.equal(d.total, 100_000);
  assert.ok(d.x.length <= 2 * 500 + 2, `${d.x.length} points`);
  assert.equal(d.x[0], 0);
  assert.equal(d.x[d.x.length - 1], 99_999);
  assert.equal(Math.max(...d.y), 50);
  assert.equal(Math.min(...d.y), -60);
  // oracle: per bucket, the brute-force min and max are among the kept points
  const B = 500;
  const scale = B / (99_999 - 0);
  const kept = new Set(d.x);
  for (let b = 0; b < B; b += 37) {
    let iMin = -1;
    let iMax = -1;
    for (let i = 0; i < s.x.length; i++) {
      if (Math.floor(s.x[i] * scale) !== b) continue;
      if (iMin < 0 || s.y[i] < s.y[iMin]) iMin = i;
      if (iMax < 0 || s.y[i] > s.y[iMax]) iMax = i;
    }
    assert.ok(kept.has(iMin) && kept.has(iMax), `bucket ${b}`);
  }
  for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i] > d.x[i - 1], "steps stay ascending");
});

test("decimate: a small range is returned whole; context adds the neighbours outside a zoom window; gaps survive", () => {
  const s = series(1000);
  const z = decimate(s, 500, { lo: 100.5, hi: 199.5, context: true });
  assert.equal(z.exact, true);
  assert.equal(z.total, 99);
  assert.equal(z.x[0], 100);
  assert.equal(z.x[z.x.length - 1], 200);
  s.y[400] = NaN;
  const g = decimate(s, 10);
  assert.ok(g.x.includes(400) && Number.isNaN(g.y[Array.from(g.x).indexOf(400)]), "NaN kept as a gap");
});

test("emaDebiased: identity at α = 0, exact on constants, equals the closed form Σ α^(k−j)(1−α)y_j / (1 − α^k)", () => {
  const y = normalArray(key(3), 50);
  assert.deepEqual(emaDebiased(y, 0), Float64Array.from(y));
  for (const v of emaDebiased(new Float64Array(20).fill(2.5), 0.9)) assert.ok(Math.abs(v - 2.5) < 1e-14);
  const a = 0.8;
  const s = emaDebiased(y, a);
  for (const k of [1, 5, 50]) {
    let num = 0;
    for (let j = 1; j <= k; j++) num += a ** (k - j) * (1 - a) * y[j - 1];
    assert.ok(Math.abs(s[k - 1] - num / (1 - a ** k)) < 1e-12);
  }
  assert.throws(() => emaDebiased(y, 1), RangeError);
});

test("aggregate: mean and sample std over runs at the union of steps; a run missing a step is left out there", () => {
  const r1 = { x: Float64Array.of(0, 1, 2), y: Float64Array.of(1, 2, 3) };
  const r2 = { x: Float64Array.of(0, 2, 3), y: Float64Array.of(3, 5, 7) };
  const r3 = { x: Float64Array.of(0, 2), y: Float64Array.of(5, NaN) };
  const a = aggregate([r1, r2, r3]);
  assert.deepEqual(Array.from(a.x), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(a.n), [3, 1, 2, 1]);
  assert.deepEqual(Array.from(a.mean), [3, 2, 4, 7]);
  assert.ok(Math.abs(a.std[0] - 2) < 1e-15); // sample std of 1, 3, 5
  assert.equal(a.std[1], 0);
  assert.ok(Math.abs(a.std[2] - Math.SQRT2) < 1e-15);
});
