/**
 * Tempering SMC (docs/local-entropy.md §smc): with a frozen schedule one run's Ẑ is unbiased for
 * Z = e^{−βu} (the mean of many Ẑ_r/Z is 1), the estimator reaches a minor mode of the Gibbs
 * kernel without any mode search, a too-wide replicate spread withdraws its error bars, and a
 * budget that cannot be met stops it with a runtime error naming the budget.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, foldIn } from "../../src/core/random.ts";
import { calibrationProblem } from "../../src/coarse/calibrationProblems.ts";
import { smcRun } from "../../src/coarse/smcRun.ts";
import { localEntropy, SmcBudgetError, SMC_MAX_LOGZ_SD } from "../../src/coarse/index.ts";
import { certified } from "./helpers.ts";

test("frozen-schedule SMC is unbiased for Z: the mean of 60 runs' Ẑ_r/Z is 1 within 3 standard errors", () => {
  const p = calibrationProblem("quadratic", 2, 30, key(2));
  const s = { x: p.x, t: p.t, beta: p.beta, particles: 64, essFraction: 0.8, maxMoves: 20, spend: () => {} };
  const pilot = smcRun(p.objective, s, key(1000));
  const logZ = -p.beta * p.u;
  const ratios = Array.from({ length: 60 }, (_, r) =>
    Math.exp(smcRun(p.objective, s, foldIn(key(7), r), pilot.schedule).logZ - logZ),
  );
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  const se = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / (ratios.length - 1) / ratios.length);
  assert.ok(Math.abs(mean - 1) <= 3 * se, `mean Ẑ/Z = ${mean.toFixed(4)} ± ${se.toFixed(4)}`);
  assert.ok(se < 0.1, `informative: se ${se}`);
});

test("smc reaches the minor mode of the Gibbs kernel (2.4% of the mass behind 4.5 nats) without a mode search", () => {
  const p = calibrationProblem("minor-mode", 2, 100, key(3));
  for (const seed of [1, 2]) {
    const r = localEntropy(p.objective, p.x, { method: "smc", t: p.t, beta: p.beta, seed });
    const e = certified(r);
    assert.ok(Math.abs((r.u as number) - p.u) <= 4 * e.stderr, `u ${r.u} vs ${p.u} ± ${e.stderr}`);
    assert.ok(Math.abs(r.grad[0] - p.grad[0]) <= 4 * e.gradStderr[0], `∇u₀ ${r.grad[0]} vs ${p.grad[0]}`);
  }
});

test("too few particles: the replicates' log Ẑ spread beyond the limit and the error bars are withdrawn, with the reason", () => {
  const p = calibrationProblem("quadratic", 4, 1e3, key(4));
  const r = localEntropy(p.objective, p.x, {
    method: "smc",
    t: p.t,
    beta: p.beta,
    seed: 1,
    particles: 16,
    maxParticles: 16,
    replicates: 4,
    essFraction: 0.3,
    maxMoves: 2,
  });
  assert.equal(r.stderr, null);
  assert.equal(r.gradStderr, null);
  assert.ok((r.reliability.checks.sdLogZ as number) > SMC_MAX_LOGZ_SD);
  assert.match(r.reliability.reason ?? "", /replicates disagree: sd of log Ẑ over 4 replicates/);
  assert.ok(r.reliability.nominal?.stderr !== null, "the nominal error is kept for diagnosis");
});

test("a budget that cannot be met stops smc with an error naming it and what was spent; auto counts it", () => {
  const p = calibrationProblem("quadratic", 4, 100, key(5));
  assert.throws(
    () => localEntropy(p.objective, p.x, { method: "smc", t: p.t, beta: p.beta, maxEvaluations: 2000 }),
    (e: unknown) =>
      e instanceof SmcBudgetError &&
      /budget of 2000 evaluations does not suffice/.test(e.message) &&
      e.evaluations > 2000 / 9 &&
      e.message.includes(`(${e.evaluations} spent`),
  );
  // auto counts what its abandoned cross-check spent: more than the laplace stage alone
  const lap = localEntropy(p.objective, p.x, {
    method: "importance",
    proposal: "laplace",
    t: p.t,
    beta: p.beta,
    seed: 1,
  });
  const auto = localEntropy(p.objective, p.x, { t: p.t, beta: p.beta, seed: 1, maxEvaluations: 2000 });
  assert.match(auto.auto?.reason ?? "", /did not fit its budget/);
  assert.ok(auto.samples > lap.samples, `auto ${auto.samples} vs laplace ${lap.samples} evaluations`);
});
