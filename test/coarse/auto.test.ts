/**
 * method "auto", the default (docs/local-entropy.md §auto): what it picks and why, the cross-check
 * decision, and the multimodality regression — on a loss whose Gibbs kernel has a minor second
 * mode (2.4% of the mass behind a barrier of 4.5 nats) the default never returns a confidently
 * wrong ∇u: over seeds, every coordinate's |z| ≤ 4 against the exact value, or no error bar.
 * (The many-seed version of this check is test/e2e/entropy-calibration.test.ts.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { calibrationProblem } from "../../src/coarse/calibrationProblems.ts";
import {
  localEntropy,
  crossCheckDecision,
  certify,
  quadraticObjective,
  type LocalEntropyResult,
  type Objective,
} from "../../src/coarse/index.ts";
import { certified } from "./helpers.ts";

/** The tilted double well of the minor-mode family, g(s) = 1.5(s² − 1)² + 0.1s, at s = −0.6, t = 2, β = 5. */
const well: Objective = {
  dim: 1,
  value: (y) => 1.5 * (y[0] * y[0] - 1) ** 2 + 0.1 * y[0],
  valueAndGrad: (y) => ({
    value: 1.5 * (y[0] * y[0] - 1) ** 2 + 0.1 * y[0],
    grad: Float64Array.of(6 * y[0] * (y[0] * y[0] - 1) + 0.1),
  }),
};

/** u and ∇u of the 1-D well by a plain composite Simpson rule on [−8, 8] with 160 001 points (independent of the library's quadrature). */
function wellTruth(x: number, t: number, beta: number): { u: number; p: number } {
  const N = 160000;
  const h = 16 / N;
  let m = -Infinity;
  const e = new Float64Array(N + 1);
  for (let i = 0; i <= N; i++) {
    const y = -8 + i * h;
    e[i] = -beta * (well.value(Float64Array.of(y)) + (x - y) ** 2 / (2 * t));
    m = Math.max(m, e[i]);
  }
  let z = 0;
  let zy = 0;
  for (let i = 0; i <= N; i++) {
    const w = (i === 0 || i === N ? 1 : i % 2 ? 4 : 2) * (h / 3) * Math.exp(e[i] - m);
    z += w;
    zy += w * (-8 + i * h);
  }
  const u = -(m + Math.log(z) - 0.5 * Math.log((2 * Math.PI * t) / beta)) / beta;
  return { u, p: (x - zy / z) / t };
}

test("1-D minor-mode loss: the default (quadrature) matches an independent Simpson rule, and names its choice", () => {
  const truth = wellTruth(-0.6, 2, 5);
  const r = localEntropy(well, Float64Array.of(-0.6), { t: 2, beta: 5 });
  assert.equal(r.method, "quadrature");
  assert.match(r.auto?.reason ?? "", /n = 1 ≤ 2/);
  const e = certified(r);
  assert.ok(Math.abs((r.u as number) - truth.u) <= 4 * e.stderr + 1e-9, `u ${r.u} vs ${truth.u}`);
  assert.ok(Math.abs(r.grad[0] - truth.p) <= 4 * e.gradStderr[0] + 1e-9, `∇u ${r.grad[0]} vs ${truth.p}`);
});

test("3-D minor-mode loss, 6 seeds: auto never returns a confident wrong u or ∇u (|z| ≤ 4 or null), and cross-checks with smc", () => {
  const p = calibrationProblem("minor-mode", 3, 100, key(3));
  let answered = 0;
  for (let seed = 0; seed < 6; seed++) {
    const r = localEntropy(p.objective, p.x, { t: p.t, beta: p.beta, seed });
    assert.ok(r.auto?.crossCheck !== null, "the non-convex U triggers the smc cross-check");
    assert.match(r.auto?.reason ?? "", /modes found|not convex/);
    if (r.stderr === null || r.gradStderr === null) continue;
    answered++;
    assert.ok(Math.abs((r.u as number) - p.u) <= 4 * r.stderr, `seed ${seed}: u ${r.u} vs ${p.u} ± ${r.stderr}`);
    for (let j = 0; j < 3; j++)
      assert.ok(
        Math.abs(r.grad[j] - p.grad[j]) <= 4 * r.gradStderr[j],
        `seed ${seed}: ∇u[${j}] ${r.grad[j]} vs ${p.grad[j]} ± ${r.gradStderr[j]}`,
      );
  }
  assert.ok(answered >= 3, `useful, not only safe: ${answered} of 6 seeds certified`);
});

test("sgld on the minor-mode loss withdraws its error bars (several modes) instead of returning the confident wrong ∇u it used to", () => {
  const p = calibrationProblem("minor-mode", 3, 100, key(3));
  const r = localEntropy(p.objective, p.x, {
    method: "sgld",
    t: p.t,
    beta: p.beta,
    seed: 1,
    samples: 600,
    integrate: false,
  });
  assert.equal(r.gradStderr, null);
  assert.match(r.reliability.reason ?? "", /2 modes|R̂/);
});

test("auto on a convex quadratic: laplace importance sampling, one mode, exact; without a gradient: kernel importance sampling", () => {
  const A = [
    [2, 0.3, 0],
    [0.3, 1, 0.2],
    [0, 0.2, 0.5],
  ];
  const f = quadraticObjective(A, [1, -1, 0.5], 0);
  const x = Float64Array.of(0.5, 0.2, -0.3);
  const r = localEntropy(f, x, { t: 0.4, beta: 50, seed: 1 });
  assert.equal(r.estimator, "importance (laplace proposal)");
  assert.equal(r.auto?.diagnostics.modes, 1);
  assert.equal(r.auto?.diagnostics.nonconvex, false);
  assert.match(r.auto?.reason ?? "", /one mode found and ∇²U ≻ 0 at every probe/);
  certified(r);
  const noGrad: Objective = { dim: 3, value: f.value };
  const k = localEntropy(noGrad, x, { t: 0.4, beta: 1, seed: 1 });
  assert.equal(k.estimator, "importance (kernel proposal)");
  assert.match(k.auto?.reason ?? "", /no gradient/);
  // crossCheck "never" with a hint of several modes: no error bars
  const p = calibrationProblem("minor-mode", 3, 100, key(3));
  const n = localEntropy(p.objective, p.x, { t: p.t, beta: p.beta, seed: 1, crossCheck: "never" });
  assert.equal(n.stderr, null);
  assert.match(n.reliability.reason ?? "", /no cross-check/);
});

/** A synthetic certified result with the given u, ∇u and errors (for the decision rule alone). */
function fake(method: "importance" | "smc", u: number, se: number, g: number[], gse: number[]): LocalEntropyResult {
  return certify(
    {
      method,
      estimator: method,
      t: 1,
      beta: 1,
      nu: 0.5,
      dim: g.length,
      u,
      uNote: "",
      stderr: se,
      errorKind: "statistical",
      grad: Float64Array.from(g),
      gradNorm: Math.hypot(...g),
      gradStderr: Float64Array.from(gse),
      gradNormStderr: Math.max(...gse),
      mean: new Float64Array(g.length),
      ess: 100,
      samples: 1,
      warnings: [],
      details: { replicates: 8 },
    },
    [],
    {},
  );
}

test("cross-check decision: agreement keeps laplace's answer; a gross disagreement in one ∇u coordinate withdraws the error bars", () => {
  const lap = fake("importance", 1.0, 0.01, [0.5, -0.2], [0.01, 0.01]);
  const agree = crossCheckDecision(lap, fake("smc", 1.02, 0.02, [0.52, -0.21], [0.02, 0.02]), [], 2);
  assert.equal(agree.result.method, "importance");
  assert.equal(agree.check.agree, true);
  assert.equal(agree.result.stderr, 0.01);
  const apart = crossCheckDecision(lap, fake("smc", 1.01, 0.02, [0.9, -0.2], [0.02, 0.02]), ["2 modes found"], 2);
  assert.equal(apart.check.agree, false);
  assert.ok((apart.check.maxAbsZ as number) > 10);
  assert.equal(apart.result.stderr, null);
  assert.equal(apart.result.gradStderr, null);
  assert.match(apart.result.reliability.reason ?? "", /disagree: max \|z\|/);
  // several modes hinted and smc not certified: inconclusive, so nothing is certified
  const smcBad = certify(fake("smc", 1.0, 0.02, [0.5, -0.2], [0.02, 0.02]), ["the replicates disagree"], {});
  const inconclusive = crossCheckDecision(lap, smcBad, ["U not convex"], 2);
  assert.equal(inconclusive.result.stderr, null);
  // ... but with no hint of several modes laplace keeps its certificate
  assert.equal(crossCheckDecision(lap, smcBad, [], 2).result.stderr, 0.01);
});
