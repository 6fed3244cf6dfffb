/**
 * Layer norm's symmetries (docs/theory.md §d.4). Exact for any ε: the per-feature gain rescaling
 * (γ_i, β_i) ×α with the consumer columns ×1/α. Broken by ε: the residual-stream scale, because
 * LN(αx; ε) = LN(x; ε/α²) — so the loss change between scales s and 10s falls like 1/s² and is
 * O(1) once the residual stream is as small as √ε = 3e-3.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normal } from "../../src/core/random.ts";
import * as F from "../../src/core/ops/index.ts";
import { groupOf } from "../../src/nn/index.ts";
import { measureBreaking } from "../../src/diagnostics/breaking.ts";
import { makeCase, relDiff, tinyTransformer } from "./helpers.ts";

const tf = makeCase("tf", tinyTransformer({ layers: 2, norm: "layernorm", activation: "relu" }), "xent", 12, 8);

test("LN(αx; ε) = LN(x; ε/α²): the mechanism of the breaking", () => {
  const x = normal(key(1), [3, 6]);
  for (const a of [1e-3, 0.1, 10]) {
    const lhs = F.layerNorm(F.mul(x, a), undefined, undefined, 1e-5);
    const rhs = F.layerNorm(x, undefined, undefined, 1e-5 / (a * a));
    assert.ok(relDiff(lhs.data, rhs.data) < 1e-12, `α=${a}`);
  }
});

test("layer-norm gain rescaling is exact (any ε): every ln gets a scale component acting on its consumers' columns", () => {
  const G = groupOf(tf.cfg);
  const names = G.components.map((c) => c.name);
  for (const n of [
    "blocks.0.ln1.scale",
    "blocks.0.ln2.scale",
    "blocks.1.ln1.scale",
    "blocks.1.ln2.scale",
    "ln_f.scale",
  ])
    assert.ok(names.includes(n), n);
  for (const n of ["blocks.0.ln1.scale", "blocks.1.ln2.scale", "ln_f.scale"]) {
    const g = {
      [n]: { kind: "scale" as const, alpha: Float64Array.from({ length: 4 }, (_, i) => [0.01, 100, 3, 0.2][i]) },
    };
    const p = G.act(tf.params, g);
    assert.ok(relDiff(tf.out(p).data, tf.out(tf.params).data) < 1e-12, n);
  }
  assert.equal(G.broken.length, 1);
  assert.equal(
    groupOf(
      makeCase(
        "n",
        { arch: "transformer", vocab: 3, seq: 2, d: 2, heads: 1, dHead: 2, layers: 1, mlp: 2, norm: "none" },
        "xent",
      ).cfg,
    ).broken.length,
    0,
  );
});

test("residual-stream scale (docs/theory.md §d.4): broken by ε, ~1/s² relative; Noether violation ≫ the 1e-16 of exact symmetries", () => {
  const G = groupOf(tf.cfg);
  const r = measureBreaking(G, tf.params, tf.f, [1e-3, 1e-2, 1e-1, 1, 10])["residualScale"];
  const v = r.relLossChange.map((x) => x.value);
  assert.ok(v[0] > 1e-2, `scale 1e-3: ${v[0]}`);
  assert.ok(v[3] < 1e-4, `scale 1: ${v[3]}`);
  // Past the √ε crossover the change decays like ε/(s² Var x): ×100 per decade.
  for (const [i, j] of [
    [2, 3],
    [3, 4],
  ])
    assert.ok(v[i] / v[j] > 50 && v[i] / v[j] < 200, `ratio ${v[i] / v[j]}`);
  assert.ok(r.gradientCosine > 1e-10 && r.gradientCosine < 1e-3, `cos ${r.gradientCosine}`);
  // The exact symmetries of the same network have |cos(∇L, ξ)| at rounding level (generators.test.ts).
});
