/**
 * The local learning coefficient estimate against its Gaussian closed form, and shock proximity
 * (bimodality of local Gibbs samples) against the double well's known shock time t* = 1
 * (docs/monitor.md §llc, §shock-proximity).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normalArray } from "../../src/core/random.ts";
import { quadraticObjective } from "../../src/coarse/objective.ts";
import type { Objective } from "../../src/coarse/types.ts";
import { estimateLlc } from "../../src/diagnostics/llc.ts";
import { BIMODALITY_THRESHOLD, bimodalityCoefficient, shockProximity } from "../../src/diagnostics/shockProximity.ts";

test("LLC of a quadratic loss = (nβ/2) Σ aᵢ/(nβ aᵢ + γ) (Gaussian posterior), within 3 standard errors", () => {
  const a = [4, 1, 0.25, 0];
  const A = a.map((ai, i) => a.map((_, j) => (i === j ? ai : 0)));
  const obj = quadraticObjective(A, [0, 0, 0, 0], 0.7);
  const n = 1000;
  const nBeta = n / Math.log(n);
  const gamma = 50;
  const exact = (nBeta / 2) * a.reduce((s, ai) => s + ai / (nBeta * ai + gamma), 0);
  const r = estimateLlc(obj, new Float64Array(4), { n, gamma, key: key(3), burnIn: 300, samples: 4000, batches: 20 });
  assert.ok(Math.abs(r.llc - exact) < 3 * r.stderr + 1e-3, `λ̂ ${r.llc} ± ${r.stderr}, exact ${exact}`);
  assert.ok(r.stderr < 0.1 * exact, `stderr ${r.stderr}`);
  assert.equal(r.loss0, 0.7);
});

test("bimodality coefficient: 1/3 for normal samples, 1 for two point masses, 5/9 for a uniform grid", () => {
  const z = normalArray(key(1), 20000);
  assert.ok(Math.abs(bimodalityCoefficient(z).bc - 1 / 3) < 0.02);
  const two = Float64Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 3 : -1));
  assert.ok(Math.abs(bimodalityCoefficient(two).bc - 1) < 0.01);
  const uni = Float64Array.from({ length: 10001 }, (_, i) => i / 10000);
  assert.ok(Math.abs(bimodalityCoefficient(uni).bc - 5 / 9) < 0.01);
});

/** f(y) = (y² − 1)²/4: at x = 0 the proximal objective loses convexity at t* = 1. */
const doubleWell: Objective = {
  dim: 1,
  value: (y) => (y[0] * y[0] - 1) ** 2 / 4,
  valueAndGrad: (y) => ({ value: (y[0] * y[0] - 1) ** 2 / 4, grad: Float64Array.of(y[0] * (y[0] * y[0] - 1)) }),
};

test("shock proximity at the double well's shock: unimodal at t = 0.5 < t* = 1, bimodal (±√(1 − 1/t)) at t = 4", () => {
  const x = new Float64Array(1);
  const d = Float64Array.of(1);
  const before = shockProximity(doubleWell, x, d, { t: 0.5, beta: 200, key: key(5) });
  const after = shockProximity(doubleWell, x, d, { t: 4, beta: 200, key: key(5) });
  assert.ok(before.bimodality < BIMODALITY_THRESHOLD, `t = 0.5: BC ${before.bimodality}`);
  assert.ok(after.bimodality > BIMODALITY_THRESHOLD, `t = 4: BC ${after.bimodality}`);
  // The two modes sit at ±√(1 − 1/t) = ±0.866: a mixture of them with weights p, 1 − p has
  // sd 2·0.866·√(p(1 − p)) ∈ (0.5, 0.87] for p ∈ [1/8, 1/2], far above the kernel's √(t/β) = 0.14.
  assert.ok(after.sd > 0.5 && after.sd < Math.sqrt(0.75) + 0.03, `sd ${after.sd}`);
});
