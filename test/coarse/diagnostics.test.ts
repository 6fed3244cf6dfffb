/**
 * The diagnostics behind honest error bars (docs/local-entropy.md §diagnostics): Pareto k̂ recovers
 * the tail index of weights with a known generalized Pareto tail and reads constant weights as
 * perfect; Kish's ESS; the Student-t quantiles that scale the smc replicate errors and the
 * cross-check bound; and `certify`, which turns failed diagnostics into null error bars.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normalArray, uniformArray } from "../../src/core/random.ts";
import {
  paretoKHat,
  essOfLogWeights,
  studentTQuantile,
  studentTCentral,
  certify,
  quadraticObjective,
  localEntropy,
  KHAT_MAX,
} from "../../src/coarse/index.ts";

test("Pareto k̂: weights U^(−k) (a GPD tail with shape k) give k̂ ≈ k; constant and bounded weights give k̂ < 0", () => {
  for (const k of [0.2, 0.5, 0.9]) {
    const est = Array.from({ length: 8 }, (_, s) => {
      const u = uniformArray(key(100 + s), 4000);
      return paretoKHat(Array.from(u, (v) => -k * Math.log(v)));
    });
    const mean = est.reduce((a, b) => a + b, 0) / est.length;
    // the tail fit uses the top 3√N = 190 weights: sd of one k̂ ≈ 0.1, of the mean of 8 ≈ 0.04
    assert.ok(Math.abs(mean - k) < 0.15, `k = ${k}: mean k̂ = ${mean.toFixed(3)} (${est.map((v) => v.toFixed(2))})`);
  }
  assert.equal(paretoKHat(new Float64Array(100)), -Infinity, "constant weights");
  const bounded = uniformArray(key(7), 2000).map((v) => Math.log(v)); // weights uniform on (0, 1): bounded, k = −1
  assert.ok(paretoKHat(bounded) < 0, `bounded weights k̂ ${paretoKHat(bounded)}`);
  assert.equal(paretoKHat([0, 1, 2]), Infinity, "too few samples to judge");
  // log-normal weights with σ = 3 are pre-asymptotically very heavy: withdrawn
  const z = normalArray(key(8), 4000);
  assert.ok(paretoKHat(Array.from(z, (v) => 3 * v)) > KHAT_MAX);
});

test("Kish ESS of log-weights: N for equal weights, 1 for one dominant weight, shift-invariant", () => {
  assert.ok(Math.abs(essOfLogWeights(new Float64Array(50).fill(-700)) - 50) < 1e-9);
  assert.ok(Math.abs(essOfLogWeights([0, -800, -900]) - 1) < 1e-12);
  const lw = Array.from(normalArray(key(3), 100));
  assert.ok(Math.abs(essOfLogWeights(lw) - essOfLogWeights(lw.map((v) => v + 1e3))) < 1e-9);
});

test("Student-t: central probabilities and quantiles match tables (ν = 1, 7, 8, 15, 1000)", () => {
  const table: [number, number, number][] = [
    [0.05, 1, 12.706],
    [0.05, 7, 2.365],
    [0.05, 8, 2.306],
    [0.001, 15, 4.073],
    [0.05, 1000, 1.962],
  ];
  for (const [p, nu, q] of table) {
    assert.ok(Math.abs(studentTQuantile(p, nu) - q) < 2e-3, `t(${p}, ${nu}) = ${studentTQuantile(p, nu)} vs ${q}`);
    assert.ok(Math.abs(1 - studentTCentral(q, nu) - p) < 1e-4 * Math.max(1, 1 / p) * p + 1e-5);
  }
});

test("certify: failed diagnostics null every error bar, keep the nominal values for diagnosis, and warn once", () => {
  const r = localEntropy(quadraticObjective([[1]], [0]), Float64Array.of(0.3), {
    method: "importance",
    t: 0.5,
    beta: 2,
    seed: 1,
  });
  assert.ok(r.reliability.certified && r.stderr !== null);
  const w = certify(r, ["a failed check"], { x: 1 });
  assert.equal(w.stderr, null);
  assert.equal(w.gradStderr, null);
  assert.equal(w.gradNormStderr, null);
  assert.equal(w.reliability.certified, false);
  assert.equal(w.reliability.reason, "a failed check");
  assert.equal(w.reliability.nominal?.stderr, r.stderr);
  assert.deepEqual(w.reliability.checks, { x: 1 });
  assert.equal(w.warnings.filter((s) => /withdrawn/.test(s)).length, 1);
  assert.equal(w.u, r.u, "the estimate itself is kept");
});
