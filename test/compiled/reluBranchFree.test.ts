/**
 * The branch-free relu kernels of the compiled plans (docs/performance.md §compiled-transformer)
 * against the eager kernels bit for bit, on the values where arithmetic masks go wrong unless
 * handled: ±0, ±∞, NaN, tiny and huge values, in both positions of the mask.
 */
import { test } from "node:test";
import { reluBackward, reluForward } from "../../src/core/kernels/fused.ts";
import { reduceAxes } from "../../src/core/kernels/reduce.ts";
import { biasReluInPlace, reluBackwardColumnSums } from "../../src/compiled/reluBranchFree.ts";
import { assertBitEqual } from "./helpers.ts";

const EDGE = [-0, 0, 1, -1, 5e-324, -5e-324, 1e308, -1e308, Infinity, -Infinity, NaN, 0.5, -2.5];

test("biasReluInPlace equals the bias add then relu bit for bit, ±0, ±∞ and NaN included", () => {
  const n = EDGE.length;
  for (const [rows, withSpecials] of [
    [n, true],
    [5, false],
  ] as const) {
    const x = new Float64Array(rows * n);
    const b = Float64Array.from(EDGE, (_, j) => (j % 3 === 0 ? -0 : 0.25 * (j - 6)));
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < n; j++)
        x[r * n + j] = withSpecials ? EDGE[(r + j) % n] : Math.sin(7 * r + j) * (j % 2 === 0 ? 1 : -1e-3);
    const want = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) want[r * n + j] = x[r * n + j] + b[j];
    reluForward(want, want);
    const got = x.slice();
    biasReluInPlace(got, b, rows, n);
    assertBitEqual(got, want, `relu forward (specials: ${withSpecials})`);
  }
});

test("reluBackwardColumnSums equals reluBackward then the row sum bit for bit, −0 cotangents and non-finite ones included", () => {
  const masks = [0, -0, 1, Infinity, 3];
  for (const withInfinite of [false, true]) {
    const g = EDGE.filter((v) => withInfinite || Number.isFinite(v));
    const rows = masks.length,
      n = g.length;
    const gm = new Float64Array(rows * n),
      hm = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < n; j++) {
        gm[r * n + j] = g[(j + r) % n];
        hm[r * n + j] = masks[(r + 2 * j) % rows];
      }
    const want = new Float64Array(rows * n);
    reluBackward(gm, hm, want);
    const wantDb = reduceAxes(want, [rows, n], [0], "sum");
    const got = new Float64Array(rows * n),
      db = new Float64Array(n).fill(7);
    reluBackwardColumnSums(gm, hm, rows, n, got, db);
    assertBitEqual(got, want, `relu backward (non-finite g: ${withInfinite})`);
    assertBitEqual(db, wantDb, `column sums (non-finite g: ${withInfinite})`);
  }
});
