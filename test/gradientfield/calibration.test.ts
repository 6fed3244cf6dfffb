/**
 * Calibration of every gradient-field test on controls (docs/gradient-field.md §calibration):
 * under a gradient field the rejection rate at α = 0.05 must be within ±0.03 of α over ≥ 200
 * repetitions; against a planted curl of stated size the power must be ≥ 0.9 and the estimate's
 * interval must cover the planted value at about its nominal rate. Controls: a noisy gradient field
 * (independent noise per evaluation), SGLD of the library on a quadratic (isotropic noise), the
 * reversible and rotating SGLD chains of the area test; the family-wise test (Holm over loops) must
 * keep its error at most α + 0.03.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { calibrate } from "../../src/gradientfield/calibrate.ts";
import { circulationTest, noisyGradientField } from "../../src/gradientfield/index.ts";

const REPS = 200;
const results = calibrate({ reps: REPS, key: key(1) });

for (const r of results) {
  test(`calibration: ${r.test} — size 0.05 ± 0.03 on a gradient-field control, power ≥ 0.9`, () => {
    assert.ok(r.repetitions >= 200);
    if (r.test.includes("Holm")) assert.ok(r.size <= r.alpha + 0.03, `family-wise error ${r.size}`);
    else assert.ok(Math.abs(r.size - r.alpha) <= 0.03, `size ${r.size}`);
    assert.ok(r.power >= 0.9, `power ${r.power}`);
    if (r.coverage !== null) assert.ok(r.coverage >= 0.9, `coverage ${r.coverage}`);
  });
}

test("circulation with common random numbers: the noise of a gradient field cancels exactly (p = 1)", () => {
  const r = circulationTest(
    noisyGradientField({ noise: 0.5 }),
    { center: [0.2, -0.1], radius: 0.3, K: 64 },
    { replicates: 10, key: key(2) },
  )[0];
  assert.equal(r.test.p, 1);
});
