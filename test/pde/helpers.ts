/** Small shared helpers for the pde tests. */
import assert from "node:assert/strict";

/** |a − b| ≤ tol, with a readable message. */
export function near(actual: number, expected: number, tol: number, what = "value"): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${what}: got ${actual}, expected ${expected} ± ${tol} (diff ${Math.abs(actual - expected)})`,
  );
}

/** |a − b| ≤ rtol·|b| (+ tiny absolute floor). */
export function relNear(actual: number, expected: number, rtol: number, what = "value"): void {
  near(actual, expected, rtol * Math.abs(expected) + 1e-300, what);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}
