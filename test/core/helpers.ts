/** Shared test helpers for the tensor core. */
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { type Key, key, split, normal, uniform } from "../../src/core/random.ts";

export function randn(k: Key, shape: number[], scale = 1): Tensor {
  return normal(k, shape, 0, scale);
}

/** Values in [lo, hi] (e.g. bounded away from a kink or a pole). */
export function randu(k: Key, shape: number[], lo: number, hi: number): Tensor {
  return uniform(k, shape, lo, hi);
}

/** Values whose magnitude is in [lo, hi] with random signs (away from 0). */
export function randAway(k: Key, shape: number[], lo = 0.2, hi = 2): Tensor {
  const [k1, k2] = split(k, 2);
  const m = uniform(k1, shape, lo, hi);
  const s = uniform(k2, shape);
  return new Tensor(
    m.data.map((v, i) => (s.data[i] < 0.5 ? -v : v)),
    shape,
  );
}

export function keys(seed: number, n: number): Key[] {
  return split(key(seed), n);
}

export function assertClose(actual: number, expected: number, rel: number, what = ""): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(
    err <= rel || Math.abs(actual - expected) <= rel * 1e-3,
    `${what}: ${actual} vs ${expected} (relative error ${err.toExponential(2)} > ${rel})`,
  );
}

export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ""): void {
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    assert.ok(
      d <= tol * Math.max(scale, 1e-12),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (|Δ| = ${d.toExponential(2)}, tolerance ${tol} × ${scale.toExponential(2)})`,
    );
  }
}
