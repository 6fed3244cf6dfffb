/**
 * The statistics of docs/gradient-field.md §tests against closed forms: Student's t tails for
 * ν = 1 (Cauchy: 1 − 2 atan(t)/π) and ν = 2 (1 − t/√(2 + t²)), the normal limit, quantiles as the
 * inverse CDF, Holm/BH on a hand-worked example, the t interval's coverage and the slope fit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  benjaminiHochberg,
  fitSlope,
  holm,
  logGamma,
  regularizedBeta,
  signFlipTest,
  studentCdf,
  studentQuantile,
  studentTwoSided,
  tTest,
} from "../../src/gradientfield/stats.ts";
import { key, normalArray, foldIn } from "../../src/core/random.ts";

test("log Γ matches factorials and Γ(½) = √π", () => {
  for (let n = 1; n < 20; n++) {
    let f = 0;
    for (let k = 2; k < n; k++) f += Math.log(k);
    assert.ok(Math.abs(logGamma(n) - f) < 1e-12 * Math.max(1, f), `n = ${n}`);
  }
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-14);
});

test("regularised incomplete beta: I_x(1, 1) = x, I_x(a, 1) = xᵃ, symmetry I_x(a,b) = 1 − I_{1−x}(b,a)", () => {
  for (const x of [0.01, 0.3, 0.5, 0.77, 0.99]) {
    assert.ok(Math.abs(regularizedBeta(x, 1, 1) - x) < 1e-14);
    assert.ok(Math.abs(regularizedBeta(x, 3.5, 1) - x ** 3.5) < 1e-13);
    assert.ok(Math.abs(regularizedBeta(x, 2.5, 7) + regularizedBeta(1 - x, 7, 2.5) - 1) < 1e-13);
  }
});

test("Student t tails: ν = 1 and ν = 2 closed forms, ν = ∞ is the normal", () => {
  for (const t of [0, 0.3, 1, 2.5, 10, 100]) {
    assert.ok(Math.abs(studentTwoSided(t, 1) - (1 - (2 / Math.PI) * Math.atan(t))) < 1e-13, `ν=1 t=${t}`);
    assert.ok(Math.abs(studentTwoSided(t, 2) - (1 - t / Math.sqrt(2 + t * t))) < 1e-13, `ν=2 t=${t}`);
  }
  assert.ok(Math.abs(studentTwoSided(1.959963984540054, Infinity) - 0.05) < 1e-12);
  assert.ok(Math.abs(studentTwoSided(1.959963984540054, 1e7) - 0.05) < 1e-6);
});

test("Student quantile inverts the CDF (t_{0.975, 10} = 2.228139)", () => {
  assert.ok(Math.abs(studentQuantile(0.975, 10) - 2.228138851986274) < 1e-9);
  for (const df of [1, 3, 29, 399])
    for (const p of [0.01, 0.2, 0.5, 0.9, 0.995])
      assert.ok(Math.abs(studentCdf(studentQuantile(p, df), df) - p) < 1e-10);
});

test("t-test: the 95 % interval covers the true mean in 95 % ± 1.5 % of 2000 samples", () => {
  let cover = 0;
  let reject = 0;
  const N = 2000;
  for (let r = 0; r < N; r++) {
    const xs = normalArray(foldIn(key(5), r), 12).map((v) => 3 + 2 * v);
    const t = tTest(xs, { mu0: 3 });
    if (t.ci[0] <= 3 && 3 <= t.ci[1]) cover++;
    if (t.p < 0.05) reject++;
  }
  assert.ok(Math.abs(cover / N - 0.95) < 0.015, `coverage ${cover / N}`);
  assert.equal(cover + reject, N, "the interval excludes μ₀ exactly when p < α");
});

test("t-test floor: a sample at rounding level carries no evidence", () => {
  const tiny = [1e-18, 1.1e-18, 0.9e-18, 1.05e-18];
  assert.ok(tTest(tiny).p < 0.001, "without a floor rounding noise is 'evidence'");
  assert.equal(tTest(tiny, { floor: 1e-15 }).p, 1);
  assert.equal(tTest([2, 2, 2]).p, 0, "a deterministic non-zero sample rejects");
  assert.equal(tTest([0, 0, 0]).p, 1);
});

test("Holm and Benjamini–Hochberg on a worked example", () => {
  const p = [0.01, 0.04, 0.03, 0.005];
  // Holm: sorted 0.005, 0.01, 0.03, 0.04 → ×4, ×3, ×2, ×1 → 0.02, 0.03, 0.06, 0.06 (running max)
  assert.deepEqual(
    holm(p).map((v) => +v.toFixed(12)),
    [0.03, 0.06, 0.06, 0.02],
  );
  // BH: sorted p·m/rank = 0.02, 0.02, 0.04, 0.04 (running min from the top)
  assert.deepEqual(
    benjaminiHochberg(p).map((v) => +v.toFixed(12)),
    [0.02, 0.04, 0.04, 0.02],
  );
});

test("sign-flip test: symmetric data gives a large p, shifted data a small one", () => {
  const z = normalArray(key(3), 40);
  assert.ok(signFlipTest(z, key(4)).p > 0.05);
  assert.ok(
    signFlipTest(
      z.map((v) => v + 1.5),
      key(4),
    ).p < 0.001,
  );
});

test("slope fit recovers a line and its standard error", () => {
  const x = [0, 1, 2, 3, 4, 5];
  const e = normalArray(key(9), 6);
  const y = x.map((v, i) => 1 + 2 * v + 0.01 * e[i]);
  const f = fitSlope(x, y);
  assert.ok(Math.abs(f.slope - 2) < 0.02 && f.ci[0] < 2 && f.ci[1] > 2 && f.stderr > 0);
  assert.ok(Math.abs(fitSlope([1, 2], [3, 5]).slope - 2) < 1e-15);
});
