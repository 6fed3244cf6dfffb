/**
 * Permutation alignment: the Hungarian algorithm against brute force, and `align` recovering a
 * planted permutation of every family's units — also when the copy was additionally moved by a
 * random continuous gauge transformation (matching runs on the balanced forms).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { key, split } from "../../src/core/random.ts";
import { groupOf } from "../../src/nn/index.ts";
import { linearAssignment, type GroupElement } from "../../src/symmetry/index.ts";
import { allCases, treeRelDiff } from "./helpers.ts";

function bruteForce(C: number[], n: number): number {
  let best = Infinity;
  const perm = Array.from({ length: n }, (_, i) => i);
  const rec = (k: number) => {
    if (k === n) {
      best = Math.min(
        best,
        perm.reduce((s, j, i) => s + C[i * n + j], 0),
      );
      return;
    }
    for (let i = k; i < n; i++) {
      [perm[k], perm[i]] = [perm[i], perm[k]];
      rec(k + 1);
      [perm[k], perm[i]] = [perm[i], perm[k]];
    }
  };
  rec(0);
  return best;
}

test("linearAssignment attains the brute-force optimum (property test, n ≤ 6, ties included)", () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 1, max: 6 })
        .chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.integer({ min: -5, max: 5 }), { minLength: n * n, maxLength: n * n })),
        ),
      ([n, C]) => {
        const sigma = linearAssignment(C, n);
        assert.deepEqual(
          [...sigma].sort((a, b) => a - b),
          Array.from({ length: n }, (_, i) => i),
        );
        assert.equal(
          Array.from(sigma).reduce((s, j, i) => s + C[i * n + j], 0),
          bruteForce(C, n),
        );
      },
    ),
    { numRuns: 200, seed: 42 },
  );
  assert.throws(() => linearAssignment([1, NaN, 0, 0], 2), /cost 1/);
});

for (const c of allCases()) {
  test(`align recovers a planted permutation (with and without a continuous gauge): ${c.label}`, () => {
    const G = groupOf(c.cfg);
    const perms = G.components.filter((x) => x.kind === "perm");
    for (const k of split(key(41), 2)) {
      const planted = G.randomElement(k);
      const permOnly: GroupElement = Object.fromEntries(Object.entries(planted).filter(([, e]) => e.kind === "perm"));
      const b = G.act(c.params, permOnly);
      const r = G.align(c.params, b);
      assert.ok(treeRelDiff(r.aligned, c.params) < 1e-15, "aligned copy equals the original");
      assert.ok(r.distanceAfter < 1e-12 && (perms.length === 0 || r.distanceBefore >= 0));
      // With a continuous gauge on top: the recovered permutation undoes the planted one, π[σ[i]] = i.
      const gauged = G.act(c.params, planted);
      const r2 = G.align(c.params, gauged);
      for (const p of perms) {
        const pi = (planted[p.name] as { perm: Int32Array }).perm;
        const sigma = (r2.element[p.name] as { perm: Int32Array }).perm;
        assert.deepEqual(
          Array.from(sigma, (s) => pi[s]),
          Array.from({ length: pi.length }, (_, i) => i),
          p.name,
        );
      }
    }
  });
}
