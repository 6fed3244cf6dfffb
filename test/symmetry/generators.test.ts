/**
 * Lie-algebra generators and the horizontal projection. For every family: each generator is the
 * derivative of the group action along its one-parameter subgroup (central differences of `act`
 * with exact exponentials), the gradient is orthogonal to every generator (Noether,
 * docs/theory.md §d.0), and P_H is the orthogonal projector onto the complement of their span —
 * Euclidean, and M-orthogonal for a stated diagonal metric M.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, split, normalArray, uniformArray } from "../../src/core/random.ts";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { ravel, unravel, treeDot, treeNorm } from "../../src/core/tree.ts";
import { groupOf } from "../../src/nn/index.ts";
import { type GroupElement } from "../../src/symmetry/index.ts";
import { svd } from "../../src/linalg/dense.ts";
import { allCases } from "./helpers.ts";

/** The one-parameter subgroups s ↦ exp(s X_i) in the order of `generators`. */
function oneParameterSubgroups(G: ReturnType<typeof groupOf>): ((s: number) => GroupElement)[] {
  const out: ((s: number) => GroupElement)[] = [];
  for (const c of G.components) {
    if (c.kind === "scale") {
      for (let j = 0; j < c.units; j++) {
        out.push((s) => ({
          [c.name]: {
            kind: "scale",
            alpha: Float64Array.from({ length: c.units }, (_, i) => (i === j ? Math.exp(s) : 1)),
          },
        }));
      }
    } else if (c.kind === "gl") {
      const n = Math.round(Math.sqrt(c.dim / c.units));
      for (let h = 0; h < c.units; h++) {
        for (let a = 0; a < n; a++) {
          for (let b = 0; b < n; b++) {
            // exp(s E_ab) = I + s E_ab (a ≠ b, E² = 0) or I + (eˢ − 1) E_aa; its inverse is exp(−s E_ab).
            const ex = (t: number) => {
              const M = new Float64Array(n * n);
              for (let i = 0; i < n; i++) M[i * n + i] = 1;
              M[a * n + b] += a === b ? Math.exp(t) - 1 : t;
              return M;
            };
            out.push((s) => ({
              [c.name]: {
                kind: "gl",
                A: Array.from({ length: c.units }, (_, p) => (p === h ? ex(s) : ex(0))),
                Ainv: Array.from({ length: c.units }, (_, p) => (p === h ? ex(-s) : ex(0))),
              },
            }));
          }
        }
      }
    }
  }
  return out;
}

for (const c of allCases()) {
  test(`generators = d/ds act(exp(sX)); gradient ⟂ every generator: ${c.label}`, () => {
    const G = groupOf(c.cfg);
    const gens = G.generators(c.params);
    assert.equal(gens.length, G.dim);
    const subs = oneParameterSubgroups(G);
    assert.equal(subs.length, gens.length);
    const h = 1e-5;
    subs.forEach((sub, i) => {
      const minus = ravel(G.act(c.params, sub(-h)));
      const fd = ravel(G.act(c.params, sub(h))).map((v, k) => (v - minus[k]) / (2 * h));
      const xi = ravel(gens[i]);
      const err = Math.max(...fd.map((v, k) => Math.abs(v - xi[k])));
      assert.ok(err < 1e-8 * Math.max(1, treeNorm(gens[i])), `generator ${i}: ${err}`);
    });
    const { grad } = valueAndGrad(c.f)(c.params);
    const gn = treeNorm(grad);
    let worst = 0;
    for (const xi of gens) {
      const n = treeNorm(xi);
      if (n > 0) worst = Math.max(worst, Math.abs(treeDot(grad, xi)) / (n * gn));
    }
    assert.ok(worst < 1e-13, `max |cos(∇L, ξ)| = ${worst}`);
  });

  test(`horizontal projector: idempotent, kills generators, self-adjoint, rank n − rank Ξ, keeps ∇L: ${c.label}`, () => {
    const G = groupOf(c.cfg);
    const P = G.horizontalProjector(c.params);
    const n = G.layout.n;
    const gens = G.generators(c.params).map(ravel);
    const k = gens.length;
    const Xi = new Float64Array(n * Math.max(k, 1));
    gens.forEach((g, j) =>
      g.forEach((v, i) => {
        Xi[i * k + j] = v;
      }),
    );
    const rank = k ? svd(Xi, n, k).rank : 0;
    assert.equal(P.verticalRank, rank);
    assert.equal(P.horizontalDim, n - rank);
    const [ku, kv] = split(key(4), 2);
    const u = normalArray(ku, n),
      v = normalArray(kv, n);
    const Pu = P.projectFlat(u),
      Pv = P.projectFlat(v);
    const PPu = P.projectFlat(Pu);
    const scale = Math.sqrt(u.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.max(...PPu.map((x, i) => Math.abs(x - Pu[i]))) < 1e-13 * scale);
    for (const g of gens) {
      const gnorm = Math.sqrt(g.reduce((s, x) => s + x * x, 0));
      if (gnorm > 0) assert.ok(Math.abs(Pu.reduce((s, x, i) => s + x * g[i], 0)) < 1e-12 * gnorm * scale);
      if (gnorm > 0) assert.ok(Math.max(...P.projectFlat(g).map(Math.abs)) < 1e-12 * gnorm);
    }
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
    assert.ok(Math.abs(dot(Pu, v) - dot(u, Pv)) < 1e-12 * scale * scale);
    const { grad } = valueAndGrad(c.f)(c.params);
    const pg = P.project(grad);
    assert.ok(
      treeNorm(
        unravel(
          grad,
          ravel(pg).map((x, i) => x - ravel(grad)[i]),
        ),
      ) <
        1e-12 * treeNorm(grad),
    );
  });
}

test("horizontal projection with a stated diagonal metric M: M-orthogonal to the generators, M-self-adjoint, idempotent", () => {
  for (const c of allCases()
    .filter((x) => groupOf(x.cfg).dim > 0)
    .slice(0, 4)) {
    const G = groupOf(c.cfg);
    const n = G.layout.n;
    const m = Float64Array.from(uniformArray(key(8), n), (x) => Math.exp(3 * (x - 0.5)));
    const metric = unravel(c.params, m);
    const P = G.horizontalProjector(c.params, { metric });
    const E = G.horizontalProjector(c.params);
    const [ku, kv] = split(key(9), 2);
    const u = normalArray(ku, n),
      v = normalArray(kv, n);
    const Pu = P.projectFlat(u),
      Pv = P.projectFlat(v);
    const dotM = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * m[i] * b[i], 0);
    for (const g of G.generators(c.params).map(ravel))
      assert.ok(Math.abs(dotM(Pu, g)) < 1e-12 * Math.sqrt(dotM(u, u) * dotM(g, g)) + 1e-300);
    assert.ok(Math.abs(dotM(Pu, v) - dotM(u, Pv)) < 1e-12 * Math.sqrt(dotM(u, u) * dotM(v, v)));
    assert.ok(Math.max(...P.projectFlat(Pu).map((x, i) => Math.abs(x - Pu[i]))) < 1e-12);
    // A non-trivial metric gives a different projector than the Euclidean one.
    assert.ok(Math.max(...E.projectFlat(u).map((x, i) => Math.abs(x - Pu[i]))) > 1e-6, c.label);
    // horizontalProject (tree interface) agrees with projectFlat.
    const tree = G.horizontalProject(c.params, unravel(c.params, u), { metric });
    assert.ok(Math.max(...ravel(tree).map((x, i) => Math.abs(x - Pu[i]))) < 1e-15);
    assert.throws(
      () => G.horizontalProjector(c.params, { metric: unravel(c.params, new Float64Array(n)) }),
      /must be finite and > 0/,
    );
  }
});
