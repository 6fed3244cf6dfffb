/**
 * Calibration of every gradient-field test on controls (docs/gradient-field.md §calibration):
 * under a gradient field the rejection rate at α = 0.05 must be within ±0.03 of α over ≥ 200
 * repetitions; against a planted curl of stated size the power must be ≥ 0.9 and the estimate's
 * interval must cover the planted value. Controls: a noisy gradient field (independent noise per
 * evaluation), SGLD of the library on a quadratic (isotropic noise), gradient flow in the induced
 * metric, and the reversible / rotating SGLD chains of the area test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { foldIn, key } from "../../src/core/random.ts";
import {
  circulationTest,
  hodgeTest,
  jacobianAsymmetry,
  loopFamilyTest,
  loopGrid,
  noisyGradientField,
  plantedCirculation,
  sgldAreaRate,
  sgldQuadraticField,
  sgldQuadraticTrajectory,
  stochasticArea,
  uniformGrid,
} from "../../src/gradientfield/index.ts";

const ALPHA = 0.05;
const REPS = 400;
const within = (rate: number) => Math.abs(rate - ALPHA) <= 0.03;

test("circulation t-test: size 0.05 ± 0.03 on a noisy gradient field, power ≥ 0.9 and coverage against curl 0.6", () => {
  const loop = { center: [0, 0], radius: 0.5, K: 32 };
  const nullField = noisyGradientField({ noise: 0.5 });
  const alt = noisyGradientField({ noise: 0.5, curl: 0.3 });
  const planted = plantedCirculation(0.3, 0.5, 32);
  let rejNull = 0,
    rejAlt = 0,
    covered = 0;
  for (let i = 0; i < REPS; i++) {
    const o = { replicates: 20, crn: false, key: foldIn(key(1), i) };
    if (circulationTest(nullField, loop, o)[0].test.p < ALPHA) rejNull++;
    const a = circulationTest(alt, loop, o)[0];
    if (a.test.p < ALPHA) rejAlt++;
    if (a.test.ci[0] <= planted && planted <= a.test.ci[1]) covered++;
    assert.ok(Math.abs((a.exact as number) - planted) < 1e-12, "the exact mean circulation is the planted one");
  }
  assert.ok(within(rejNull / REPS), `size ${rejNull / REPS}`);
  assert.ok(rejAlt / REPS >= 0.9, `power ${rejAlt / REPS}`);
  assert.ok(Math.abs(covered / REPS - 0.95) <= 0.03, `coverage ${covered / REPS}`);
});

test("circulation with common random numbers: the noise of a gradient field cancels exactly (p = 1)", () => {
  const r = circulationTest(
    noisyGradientField({ noise: 0.5 }),
    { center: [0.2, -0.1], radius: 0.3, K: 64 },
    {
      replicates: 10,
      key: key(2),
    },
  )[0];
  assert.equal(r.test.p, 1);
});

test("Jacobian asymmetry curl test: size 0.05 ± 0.03, power ≥ 0.9 against curl 0.6 with the curl inside its interval", () => {
  const s = Float64Array.of(0.3, -0.2);
  const nullField = noisyGradientField({ noise: 0.02 });
  const alt = noisyGradientField({ noise: 0.02, curl: 0.3 });
  let rejNull = 0,
    rejAlt = 0,
    covered = 0;
  for (let i = 0; i < REPS; i++) {
    const o = { h: 0.05, replicates: 12, crn: false, key: foldIn(key(3), i) };
    if ((jacobianAsymmetry(nullField, s, o)[0].curl?.p ?? 1) < ALPHA) rejNull++;
    const c = jacobianAsymmetry(alt, s, o)[0].curl!;
    if (c.p < ALPHA) rejAlt++;
    if (c.ci[0] <= 0.6 && 0.6 <= c.ci[1]) covered++;
  }
  assert.ok(within(rejNull / REPS), `size ${rejNull / REPS}`);
  assert.ok(rejAlt / REPS >= 0.9, `power ${rejAlt / REPS}`);
  assert.ok(Math.abs(covered / REPS - 0.95) <= 0.03, `coverage ${covered / REPS}`);
});

test("loop family: Holm keeps the family-wise error ≤ 0.05 + 0.03 over 9 loops; BH and Holm find a planted curl", () => {
  const loops = loopGrid([-1, -1], [1, 1], 3, 0.3, 16);
  const nullField = noisyGradientField({ noise: 0.5 });
  const alt = noisyGradientField({ noise: 0.5, curl: 0.5 });
  let fwer = 0,
    fdrNull = 0,
    found = 0;
  const reps = 200;
  for (let i = 0; i < reps; i++) {
    const o = { replicates: 12, crn: false, key: foldIn(key(4), i) };
    if (loopFamilyTest(nullField, loops, { ...o, correction: "holm" })[0].rejections > 0) fwer++;
    if (loopFamilyTest(nullField, loops, { ...o, correction: "bh" })[0].rejections > 0) fdrNull++;
    if (loopFamilyTest(alt, loops, { ...o, correction: "bh" })[0].rejections > 0) found++;
  }
  assert.ok(fwer / reps <= ALPHA + 0.03, `Holm FWER ${fwer / reps}`);
  assert.ok(fdrNull / reps <= ALPHA + 0.03, `BH under the global null ${fdrNull / reps}`);
  assert.ok(found / reps >= 0.9, `power ${found / reps}`);
});

test("isotropic SGLD (library optimizer) on a quadratic: circulation size 0.05 ± 0.03; a planted rotation is found", () => {
  const A = [1.5, 0.4, 0.8];
  const loop = { center: [0.3, 0.1], radius: 0.4, K: 16 };
  const nullField = sgldQuadraticField({ A, eta: 0.05, beta: 50 });
  const alt = sgldQuadraticField({ A, omega: 0.8, eta: 0.05, beta: 50 });
  let rejNull = 0,
    rejAlt = 0;
  const reps = 200;
  for (let i = 0; i < reps; i++) {
    const o = { replicates: 16, crn: false, key: foldIn(key(5), i) };
    if (circulationTest(nullField, loop, o)[0].test.p < ALPHA) rejNull++;
    if (circulationTest(alt, loop, o)[0].test.p < ALPHA) rejAlt++;
  }
  assert.ok(within(rejNull / reps), `size ${rejNull / reps}`);
  assert.ok(rejAlt / reps >= 0.9, `power ${rejAlt / reps}`);
});

test("Helmholtz–Hodge sign-flip test: size 0.05 ± 0.03 on a noisy gradient field, power ≥ 0.9 against curl 0.6", () => {
  const g = uniformGrid([-1, -1], [1, 1], 7);
  const nullField = noisyGradientField({ noise: 0.5 });
  const alt = noisyGradientField({ noise: 0.5, curl: 0.3 });
  // Independent noise per node: the replicate streams are re-keyed per node by a wrapper.
  const perNode = (f: typeof nullField) => ({
    ...f,
    sample: (s: Float64Array, k: readonly [number, number]) =>
      f.sample(s, foldIn(k, Math.round(1e6 * s[0]) * 7919 + Math.round(1e6 * s[1]))),
  });
  let rejNull = 0,
    rejAlt = 0,
    debiasedNull = 0;
  const reps = 200;
  for (let i = 0; i < reps; i++) {
    const o = { replicates: 10, key: foldIn(key(6), i), flips: 400 };
    const n = hodgeTest(perNode(nullField), g, o)[0];
    if ((n.p as number) < ALPHA) rejNull++;
    debiasedNull += (n.fraction - n.noiseFraction) / reps;
    if ((hodgeTest(perNode(alt), g, o)[0].p as number) < ALPHA) rejAlt++;
  }
  assert.ok(within(rejNull / reps), `size ${rejNull / reps}`);
  assert.ok(rejAlt / reps >= 0.9, `power ${rejAlt / reps}`);
  assert.ok(Math.abs(debiasedNull) < 0.01, `noise-debiased fraction under the null averages ${debiasedNull}`);
});

test("stochastic area: reversible SGLD has size 0.05 ± 0.03; a rotation has power ≥ 0.9 and its exact area rate in the interval", () => {
  const reps = 200;
  let rejNull = 0,
    rejAlt = 0,
    covered = 0;
  const base = { a: 1, eta: 0.1, beta: 4, steps: 1200, burnIn: 100 };
  const rate = sgldAreaRate({ a: 1, omega: 0.6, eta: 0.1, beta: 4 });
  for (let i = 0; i < reps; i++) {
    const t0 = sgldQuadraticTrajectory({ ...base, key: foldIn(key(7), i) });
    if (stochasticArea(t0.x, t0.y, { key: foldIn(key(8), i), flips: 400 }).reversalP < ALPHA) rejNull++;
    const t1 = sgldQuadraticTrajectory({ ...base, omega: 0.6, key: foldIn(key(9), i) });
    const r = stochasticArea(t1.x, t1.y, { key: foldIn(key(10), i), flips: 400 });
    if (r.reversalP < ALPHA) rejAlt++;
    if (r.test.ci[0] <= rate && rate <= r.test.ci[1]) covered++;
  }
  assert.ok(within(rejNull / reps), `size ${rejNull / reps}`);
  assert.ok(rejAlt / reps >= 0.9, `power ${rejAlt / reps}`);
  assert.ok(covered / reps >= 0.9, `coverage of the exact rate ${rate}: ${covered / reps}`);
});
