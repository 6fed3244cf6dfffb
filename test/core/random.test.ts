import { test } from "node:test";
import assert from "node:assert/strict";
import {
  threefry2x32,
  key,
  split,
  foldIn,
  bits,
  uniformArray,
  normalArray,
  randint,
  permutation,
  normal,
} from "../../src/core/random.ts";

test("Threefry-2x32 (20 rounds) matches the Random123 known-answer vectors", () => {
  assert.deepEqual(threefry2x32(0, 0, 0, 0), [0x6b200159, 0x99ba4efe]);
  assert.deepEqual(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff), [0x1cb996fc, 0xbb002be7]);
  assert.deepEqual(threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3), [0xc4923a9c, 0x483df7a0]);
});

test("same key ⇒ same numbers; split children and foldIn differ", () => {
  const k = key(42);
  assert.deepEqual(normalArray(k, 10), normalArray(key(42), 10));
  const [a, b] = split(k);
  assert.notDeepEqual(a, b);
  assert.notDeepEqual(uniformArray(a, 4), uniformArray(b, 4));
  assert.notDeepEqual(foldIn(k, 1), foldIn(k, 2));
  assert.notDeepEqual(key(1), key(2));
  assert.notDeepEqual(key(2 ** 40), key(0));
});

test("uniform and normal moments are right to Monte-Carlo accuracy", () => {
  const n = 200_000;
  const u = uniformArray(key(1), n);
  const z = normalArray(key(2), n);
  // sums of u, z, z², z⁴ and the range of u
  let [mu, mz, vz, k4, umin, umax] = [0, 0, 0, 0, 1, 0];
  for (let i = 0; i < n; i++) {
    mu += u[i];
    mz += z[i];
    vz += z[i] * z[i];
    k4 += z[i] ** 4;
    umin = Math.min(umin, u[i]);
    umax = Math.max(umax, u[i]);
  }
  assert.ok(umin >= 0 && umax < 1);
  assert.ok(Math.abs(mu / n - 0.5) < 4 * Math.sqrt(1 / 12 / n));
  assert.ok(Math.abs(mz / n) < 4 / Math.sqrt(n));
  assert.ok(Math.abs(vz / n - 1) < 4 * Math.sqrt(2 / n));
  assert.ok(Math.abs(k4 / n - 3) < 4 * Math.sqrt(96 / n));
  const t = normal(key(3), [3, 2], 5, 0.1);
  assert.deepEqual(t.shape, [3, 2]);
});

test("randint is uniform over its range and permutation is a permutation", () => {
  const r = randint(key(4), 60_000, -3, 3);
  const counts = new Array(6).fill(0);
  for (const v of r) counts[v + 3]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 4 * Math.sqrt((10_000 * 5) / 6), `count ${c}`);
  const p = permutation(key(5), 100);
  assert.deepEqual(
    [...p].sort((a, b) => a - b),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.notDeepEqual(
    [...p],
    Array.from({ length: 100 }, (_, i) => i),
  );
});

test("the array draws keep their stream: values pinned from the first (loop-based) implementation", () => {
  const k = key(7);
  const z = normalArray(k, 1001);
  assert.deepEqual(
    [z[0], z[1], z[2], z[1000]],
    [0.8624358335608798, 1.5482237065129976, 1.1042118681739752, -0.5901416885942928],
  );
  assert.deepEqual(Array.from(uniformArray(foldIn(k, 3), 2)), [0.49062792070841665, 0.5161854013401449]);
  assert.deepEqual(Array.from(bits(split(k)[1], 3)), [1163272852, 1502073920, 1902925251]);
});
