/**
 * The canonical (balanced, orbit-norm-minimal) representative: idempotent, function-preserving,
 * all charges zero, the same for every point of the orbit, never beaten by another orbit point, a
 * critical point of ‖g·θ‖² along every one-parameter subgroup — and equal to the closed forms
 * 2 Σ_j |a_j| ‖(w_j, b_j)‖ (two-layer net, docs/theory.md §d.1) and 2‖W_Q W_Kᵀ‖_* + 2‖W_V W_O‖_* per head
 * (docs/theory.md §d.3).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { key, split } from "../../src/core/random.ts";
import { ravel, namedLeaves } from "../../src/core/tree.ts";
import { groupOf } from "../../src/nn/index.ts";
import { svd } from "../../src/linalg/dense.ts";
import { allCases, makeCase, relDiff, treeRelDiff, sqNorm, tinyTransformer } from "./helpers.ts";

for (const c of allCases()) {
  test(`canonicalize: idempotent, same function, balanced, orbit-invariant, orbit-minimal: ${c.label}`, () => {
    const G = groupOf(c.cfg);
    const cf = G.canonicalForm(c.params);
    const theta = cf.params;
    assert.ok(cf.imbalance < 1e-13, `imbalance ${cf.imbalance} after ${cf.sweeps} sweeps`);
    assert.ok(treeRelDiff(G.canonicalize(theta), theta) < 1e-13, "idempotent");
    assert.ok(relDiff(c.out(theta).data, c.out(c.params).data) < 1e-12, "same function");
    for (const [name, q] of Object.entries(G.charges(theta))) {
      const scale = Math.max(1, ...Array.from(ravel(theta), Math.abs));
      assert.ok(Math.max(0, ...Array.from(q.data, Math.abs)) < 1e-12 * scale * scale, `charge ${name} at θ_c`);
    }
    const n0 = sqNorm(theta);
    assert.ok(n0 <= sqNorm(c.params) * (1 + 1e-14));
    for (const k of split(key(31), 3)) {
      const p = G.act(c.params, G.randomElement(k));
      assert.ok(
        treeRelDiff(G.canonicalize(p), theta) < 1e-11,
        `orbit-invariant: ${treeRelDiff(G.canonicalize(p), theta)}`,
      );
      // No orbit point, near or far, has a smaller norm.
      for (const r of [1.05, 3])
        assert.ok(sqNorm(G.act(theta, G.randomElement(k, { logRange: r, permute: false }))) >= n0 * (1 - 1e-13));
    }
  });
}

test("docs/theory.md §d.1: two-layer orbit minimum = Σ_out-bias² + 2 Σ_j ‖W₁[:, j]‖ ‖(w_j, b_j)‖, < raw ‖θ‖²", () => {
  const c = makeCase("mlp", { arch: "mlp", sizes: [3, 6, 1], activation: "relu" }, "mse", 7);
  const G = groupOf(c.cfg);
  const p = Object.fromEntries(namedLeaves(c.params));
  let formula = p["fc1.bias"].data[0] ** 2;
  for (let j = 0; j < 6; j++) {
    let w2 = p["fc0.bias"].data[j] ** 2;
    for (let i = 0; i < 3; i++) w2 += p["fc0.weight"].data[j * 3 + i] ** 2;
    formula += 2 * Math.abs(p["fc1.weight"].data[j]) * Math.sqrt(w2);
  }
  const min = sqNorm(G.canonicalize(c.params));
  assert.ok(Math.abs(min - formula) < 1e-14 * formula, `${min} vs ${formula}`);
  assert.ok(min < sqNorm(c.params));
  assert.ok(Math.abs(G.balancedNorms(c.params)["fc0.scale"] + p["fc1.bias"].data[0] ** 2 - formula) < 1e-14 * formula);
});

test("docs/theory.md §d.3: at θ_c, ‖W_q[h]‖² + ‖W_k[h]‖² = 2‖W_Q W_Kᵀ‖_*, likewise for V/O; balanced factors XXᵀ = YYᵀ", () => {
  const c = makeCase("tf", tinyTransformer({ seq: 3, mlp: 3, norm: "none", activation: "gelu" }), "xent", 8);
  const G = groupOf(c.cfg);
  const theta = Object.fromEntries(namedLeaves(G.canonicalize(c.params)));
  const raw = Object.fromEntries(namedLeaves(c.params));
  const nuc = G.nuclearNorms(c.params); // closed form, computed at the raw θ
  const rows = (t: Tensor, h: number) => t.data.slice(h * 2 * 4, (h + 1) * 2 * 4);
  const colsSq = (t: Tensor, h: number) => {
    let s = 0;
    for (let r = 0; r < 4; r++) for (let k = 0; k < 2; k++) s += t.data[r * 4 + h * 2 + k] ** 2;
    return s;
  };
  const sq = (a: Float64Array) => a.reduce((s, v) => s + v * v, 0);
  for (let h = 0; h < 2; h++) {
    const qk = sq(rows(theta["blocks.0.attn.q.weight"], h)) + sq(rows(theta["blocks.0.attn.k.weight"], h));
    const vo = sq(rows(theta["blocks.0.attn.v.weight"], h)) + colsSq(theta["blocks.0.attn.o.weight"], h);
    // Heads may be reordered by canonicalization: compare as sets.
    const targetsQK = [0, 1].map((i) => nuc[`blocks.0.attn.qk.${i}`]);
    const targetsVO = [0, 1].map((i) => nuc[`blocks.0.attn.vo.${i}`]);
    assert.ok(
      targetsQK.some((t) => Math.abs(t - qk) < 1e-13 * t),
      `${qk} vs ${targetsQK}`,
    );
    assert.ok(
      targetsVO.some((t) => Math.abs(t - vo) < 1e-13 * t),
      `${vo} vs ${targetsVO}`,
    );
    // Independent oracle: 2‖Σ‖_* from a fresh SVD of W_q[h]ᵀ W_k[h] at the raw θ.
    const Wq = rows(raw["blocks.0.attn.q.weight"], h),
      Wk = rows(raw["blocks.0.attn.k.weight"], h);
    const M = new Float64Array(16);
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) for (let r = 0; r < 2; r++) M[i * 4 + j] += Wq[r * 4 + i] * Wk[r * 4 + j];
    assert.ok(
      Math.abs(2 * svd(M, 4, 4).S.reduce((a, b) => a + b, 0) - nuc[`blocks.0.attn.qk.${h}`]) <
        1e-13 * nuc[`blocks.0.attn.qk.${h}`],
    );
  }
  // Raw-norm distortion (docs/theory.md §d.3): A = diag(s, 1/s) on head 0 inflates ‖W_q‖² + ‖W_k‖² without
  // bound; the minimum stays.
  const inflate = (s: number) =>
    G.act(c.params, {
      "blocks.0.attn.qk": {
        kind: "gl",
        A: [Float64Array.of(s, 0, 0, 1 / s), Float64Array.of(1, 0, 0, 1)],
        Ainv: [Float64Array.of(1 / s, 0, 0, s), Float64Array.of(1, 0, 0, 1)],
      },
    });
  const headNorm = (t: ReturnType<typeof inflate>) => {
    const m = Object.fromEntries(namedLeaves(t));
    return sq(rows(m["blocks.0.attn.q.weight"], 0)) + sq(rows(m["blocks.0.attn.k.weight"], 0));
  };
  assert.ok(headNorm(inflate(100)) > 100 * headNorm(inflate(1)));
  assert.ok(
    Math.abs(sqNorm(G.canonicalize(inflate(100))) - sqNorm(G.canonicalize(c.params))) < 1e-12 * sqNorm(c.params),
  );
});

test("canonical θ_c is a critical point of s ↦ ‖exp(sX)·θ_c‖² for every generator X (moment map = charges = 0)", () => {
  for (const c of allCases().filter((x) => groupOf(x.cfg).dim > 0)) {
    const G = groupOf(c.cfg);
    const theta = G.canonicalize(c.params);
    // d/ds ‖exp(sX)θ‖² at 0 = 2⟨θ, ξ_X(θ)⟩.
    const t = ravel(theta);
    const scale = t.reduce((s, v) => s + v * v, 0);
    for (const xi of G.generators(theta)) {
      const d = ravel(xi).reduce((s, v, i) => s + v * t[i], 0);
      assert.ok(Math.abs(d) < 1e-13 * scale, `${c.label}: ⟨θ_c, ξ⟩ = ${d}`);
    }
  }
});

test("dead units: a neuron with zero input weights is zeroed on both sides (the orbit's limit point), function unchanged", () => {
  const c = makeCase("mlp", { arch: "mlp", sizes: [2, 3, 1], activation: "relu" }, "mse", 9);
  const p = c.params as { fc0: { weight: Tensor; bias: Tensor }; fc1: { weight: Tensor; bias: Tensor } };
  const dead = {
    fc0: {
      weight: new Tensor(
        p.fc0.weight.data.map((v, i) => (i < 2 ? 0 : v)),
        [3, 2],
      ),
      bias: new Tensor(
        p.fc0.bias.data.map((v, i) => (i === 0 ? 0 : v)),
        [3],
      ),
    },
    fc1: p.fc1,
  };
  const G = groupOf(c.cfg);
  const cf = G.canonicalForm(dead);
  assert.ok(relDiff(c.out(cf.params).data, c.out(dead).data) < 1e-14);
  const leaves = Object.fromEntries(namedLeaves(cf.params));
  // The dead unit sorts last (smallest norm) and is exactly zero on both sides.
  assert.ok(leaves["fc0.weight"].data.slice(4).every((v) => v === 0) && leaves["fc0.bias"].data[2] === 0);
  assert.ok(leaves["fc1.weight"].data[2] === 0);
  // At θ the dead unit still has an orbit (a_j ↦ a_j/α); at its limit point it is a fixed point.
  assert.equal(G.horizontalProjector(dead).verticalRank, 3);
  assert.equal(G.horizontalProjector(cf.params).verticalRank, 2);
});
