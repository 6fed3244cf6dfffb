/**
 * softmaxRows skips Math.exp for masked scores (src/core/kernels/fused.ts; docs/performance.md
 * §compiled-transformer): exp(−∞) is +0 exactly, so rows with −∞ entries (attention's causal
 * mask), ±∞ and NaN give the values of the plain formula e_j = exp(x_j − m), out_j = e_j·(1/Σe), bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { softmaxRows } from "../../src/core/kernels/fused.ts";

/** The formula with every exponential computed, the shift as softmaxRows takes it (0 for a non-finite max). */
function plain(x: number[]): number[] {
  let m = -Infinity;
  for (const v of x) if (v > m || v !== v) m = v;
  if (!Number.isFinite(m)) m = 0;
  const e = x.map((v) => Math.exp(v - m));
  const inv = 1 / e.reduce((a, b) => a + b, 0);
  return e.map((v) => v * inv);
}

test("softmaxRows with masked (−∞) entries equals the formula with every exponential computed, bit for bit", () => {
  assert.ok(Object.is(Math.exp(-Infinity), 0));
  const rows = [
    [0.5, -Infinity, -Infinity],
    [0.25, -1.5, -Infinity],
    [-Infinity, -Infinity, -Infinity],
    [Infinity, -Infinity, 2],
    [NaN, -Infinity, 1],
    [-0, -Infinity, 0],
    [1e308, -Infinity, -1e308],
    [-745.2, -Infinity, 0],
  ];
  for (const r of rows) {
    const out = new Float64Array(r.length);
    softmaxRows(Float64Array.from(r), 1, r.length, out);
    const want = plain(r);
    for (let j = 0; j < r.length; j++)
      assert.ok(Object.is(out[j], want[j]), `row [${r}] entry ${j}: ${out[j]} vs ${want[j]}`);
  }
});
