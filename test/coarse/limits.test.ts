/**
 * Asymptotic limits of the local entropy (docs/theory.md §a.2, a.6, C9), on the tilted double well
 * and on a network slice:
 *   small t:  u = f + t(νf'' − ½f'²) + O(t²)   (so the error of that expansion falls ×10 per t/10);
 *   large β:  u_β → Moreau envelope u_HL = min_y f(y) + |x−y|²/(2t), and
 *             β(u_β − u_HL) − ½ log(1 + t f''(y*)) = O(1/β)   (Laplace correction).
 * Hopf–Lax oracle: src/pde/hj/hopfLax.ts (independent code).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { hopfLax1d } from "../../src/pde/hj/hopfLax.ts";
import { entropyGrid1d, sliceObjective, randomDirections } from "../../src/coarse/index.ts";
import { tinyNetwork } from "./helpers.ts";

const f = (y: number) => 0.25 * (y * y - 1) ** 2 + 0.1 * y;
const df = (y: number) => y * (y * y - 1) + 0.1;
const d2f = (y: number) => 3 * y * y - 1;
const xs = [-1, -0.3, 0.4, 1.2];

const net = tinyNetwork();
const sl = sliceObjective(net.objective, net.x0, randomDirections(key(51), net.objective.dim, 1));
const g = (s: number) => sl.objective.value(Float64Array.of(s));
const dg = (s: number) => sl.objective.valueAndGrad!(Float64Array.of(s)).grad[0];
const d2g = (s: number) => sl.objective.hvp!(Float64Array.of(s), Float64Array.of(1))[0];

function assertFallsLinearly(err: number[], what: string, minRatio: number): void {
  for (let i = 1; i < err.length; i++) {
    const r = err[i - 1] / err[i];
    assert.ok(
      r > minRatio && r < 13,
      `${what}: errors ${err.map((e) => e.toExponential(2))}, ratio ${r.toFixed(2)} per decade`,
    );
  }
}

test("small t: u = f + t(νf'' − ½f'²) + O(t²) on the double well and on a network slice", () => {
  const beta = 4;
  const nu = 1 / (2 * beta);
  const cases: [string, (y: number) => number, (y: number) => number, (y: number) => number, number[]][] = [
    ["double well", f, df, d2f, xs],
    ["network slice", g, dg, d2g, [0, 0.3]],
  ];
  for (const [what, fn, d1, d2, pts] of cases) {
    const err = [1e-2, 1e-3, 1e-4].map((t) => {
      const r = entropyGrid1d(fn, pts, [t], beta, { tol: 1e-14 });
      return Math.max(...pts.map((x, i) => Math.abs((r.u[0][i] - fn(x)) / t - (nu * d2(x) - 0.5 * d1(x) ** 2))));
    });
    assertFallsLinearly(err, what, 8);
  }
});

test("large β: u_β → Moreau envelope with the Laplace correction ½log(1 + t f''(y*))/β, error O(1/β)", () => {
  const t = 0.5;
  const cases: [string, (y: number) => number, (y: number) => number, (y: number) => number, number[]][] = [
    ["double well", f, df, d2f, xs],
    ["network slice", g, dg, d2g, [0, 0.4]],
  ];
  for (const [what, fn, d1, d2, pts] of cases) {
    const hl = hopfLax1d(fn, pts, t, { y: { min: -4, max: 4, n: 8001 }, df: d1 });
    const pred = Array.from(hl.y, (y) => 0.5 * Math.log(1 + t * d2(y)));
    const gap: number[] = [];
    const err = [10, 100, 1000, 10000].map((beta) => {
      const r = entropyGrid1d(fn, pts, [t], beta, { tol: 1e-14 });
      gap.push(Math.max(...pts.map((_, i) => Math.abs(r.u[0][i] - hl.u[i]))));
      return Math.max(...pts.map((_, i) => Math.abs(beta * (r.u[0][i] - hl.u[i]) - pred[i])));
    });
    assertFallsLinearly(gap, `${what} |u_β − u_HL|`, 5);
    assertFallsLinearly(err, `${what} Laplace-corrected`, 5);
  }
});
