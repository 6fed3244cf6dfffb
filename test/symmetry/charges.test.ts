/**
 * Noether charges under gradient descent (docs/theory.md §d.0–d.3). Every charge is a quadratic form
 * Q(θ) = θᵀKθ with a symmetric K whose polarisation vanishes on (θ, ∇L) (Noether), so one GD step
 * θ' = θ − ηg changes it by exactly ΔQ = η² Q(g) (the ½η² gᵀKg with K doubled), and with
 * weight decay λ, θ' = θ − η(g + λθ): Q' = (1 − ηλ)² Q + η² Q(g). Checked for every family by
 * evaluating the same `charges` on θ, θ' and on the gradient tree g.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { type Tree, zipTrees } from "../../src/core/tree.ts";
import { groupOf } from "../../src/nn/index.ts";
import { allCases, makeCase } from "./helpers.ts";

function step(p: Tree, g: Tree, eta: number, lambda = 0): Tree {
  return zipTrees(
    [p, g],
    ([x, d]) =>
      new Tensor(
        x.data.map((v, i) => v - eta * (d.data[i] + lambda * v)),
        x.shape,
      ),
  );
}

function maxAbs(rec: Record<string, Tensor>): number {
  return Math.max(0, ...Object.values(rec).flatMap((t) => Array.from(t.data, Math.abs)));
}

for (const c of allCases().filter((x) => groupOf(x.cfg).dim > 0)) {
  test(`GD: ΔQ = η² Q(g) exactly, and Q' = (1 − ηλ)² Q + η² Q(g) with weight decay: ${c.label}`, () => {
    const G = groupOf(c.cfg);
    const vg = valueAndGrad(c.f);
    for (const lambda of [0, 0.3]) {
      let p = c.params;
      let worst = 0,
        moved = 0;
      const eta = 0.05;
      for (let k = 0; k < 8; k++) {
        const { grad } = vg(p);
        const q0 = G.charges(p),
          qg = G.charges(grad);
        const p1 = step(p, grad, eta, lambda);
        const q1 = G.charges(p1);
        const decay = (1 - eta * lambda) ** 2;
        for (const name of Object.keys(q0)) {
          q0[name].data.forEach((v, i) => {
            const predicted = decay * v + eta * eta * qg[name].data[i];
            worst = Math.max(worst, Math.abs(q1[name].data[i] - predicted) / (1 + Math.abs(v)));
            moved = Math.max(moved, Math.abs(q1[name].data[i] - v));
          });
        }
        p = p1;
      }
      assert.ok(worst < 2e-14, `λ=${lambda}: max |Q' − predicted| = ${worst}`);
      assert.ok(moved > 1e-8, "the charges did change (the identity is not vacuous)");
    }
  });
}

test("docs/theory.md §d.1: charge drift at fixed time T is O(η) (gradient flow conserves); weight decay gives e^(−2λT)", () => {
  const c = makeCase("mlp", { arch: "mlp", sizes: [3, 4, 1], activation: "relu" }, "mse", 5, 20);
  const G = groupOf(c.cfg);
  const vg = valueAndGrad(c.f);
  const q0 = G.charges(c.params)["fc0.scale"].data;
  const drift = (eta: number, lambda = 0) => {
    let p = c.params;
    for (let k = 0; k < Math.round(1 / eta); k++) p = step(p, vg(p).grad, eta, lambda);
    return G.charges(p)["fc0.scale"].data;
  };
  const d = [0.02, 0.01, 0.005].map((eta) => Math.max(...drift(eta).map((v, i) => Math.abs(v - q0[i]))));
  assert.ok(d[0] / d[1] > 1.7 && d[0] / d[1] < 2.5 && d[1] / d[2] > 1.7 && d[1] / d[2] < 2.5, `drifts ${d}`);
  // With decay λ = 0.3 over T = 1, c(T)/c(0) → e^(−0.6) as η → 0.
  const qT = drift(0.002, 0.3);
  for (let i = 0; i < q0.length; i++)
    if (Math.abs(q0[i]) > 0.1) assert.ok(Math.abs(qT[i] / q0[i] - Math.exp(-0.6)) < 0.01, `${qT[i] / q0[i]}`);
  assert.ok(maxAbs(G.charges(c.params)) > 0.1);
});
