import { test } from "node:test";
import assert from "node:assert/strict";
import { tanhInto } from "../../src/core/kernels/tanh.ts";
import { uniformArray, key } from "../../src/core/random.ts";

const EPS = 2 ** -52;

/** Largest |ours − Math.tanh| in units of ε·|tanh x| over the given points. */
function maxRelErr(xs: Float64Array): number {
  const out = new Float64Array(xs.length);
  tanhInto(xs, out);
  let worst = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = Math.tanh(xs[i]);
    if (r !== 0) worst = Math.max(worst, Math.abs(out[i] - r) / (Math.abs(r) * EPS));
  }
  return worst;
}

test("tanhInto is within 2.5 ulp of Math.tanh on every range it branches on", () => {
  const u = uniformArray(key(11), 300_000);
  for (const scale of [1e-8, 0.1, 0.625, 1, 3, 10, 22, 40]) {
    const xs = Float64Array.from(u, (v) => (2 * v - 1) * scale);
    const err = maxRelErr(xs);
    assert.ok(err <= 2.5, `scale ${scale}: ${err.toFixed(2)} ε`);
  }
  // both sides of the branch points
  const edges = Float64Array.from(
    [0.625, 22].flatMap((b) => [-1, 1].flatMap((s) => [-3, -2, -1, 0, 1, 2, 3].map((k) => s * (b + k * b * EPS)))),
  );
  assert.ok(maxRelErr(edges) <= 2.5);
});

test("tanhInto is exactly odd and passes ±0, ±∞ and NaN through like Math.tanh", () => {
  const xs = Float64Array.from([0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e-300, 30, -30, 0.3, 7.5]);
  const out = new Float64Array(xs.length);
  tanhInto(xs, out);
  for (let i = 0; i < xs.length; i++) {
    const r = Math.tanh(xs[i]);
    if (Number.isNaN(r) || r === 0 || Math.abs(r) === 1 || Math.abs(xs[i]) < 1e-200)
      assert.ok(Object.is(out[i], r), `tanh(${xs[i]}) = ${out[i]}, Math.tanh: ${r}`);
  }
  const pos = Float64Array.from(uniformArray(key(12), 1000), (v) => 4 * v);
  const a = new Float64Array(1000),
    b = new Float64Array(1000);
  tanhInto(pos, a);
  tanhInto(
    pos.map((v) => -v),
    b,
  );
  for (let i = 0; i < 1000; i++) assert.ok(Object.is(b[i], -a[i]));
});

test("tanhInto works in place", () => {
  const xs = Float64Array.from([-2, -0.5, 0.1, 1.5]);
  const want = xs.map(Math.tanh);
  tanhInto(xs, xs);
  for (let i = 0; i < 4; i++) assert.ok(Math.abs(xs[i] - want[i]) <= 2.5 * EPS * Math.abs(want[i]));
});
