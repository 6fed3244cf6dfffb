/**
 * Calibration of the error bars as a test (docs/local-entropy.md §calibration), the fast version:
 * kernel and Laplace importance sampling on a quadratic (docs/theory.md §C1, indefinite), a rotated quartic and a
 * minor-mode loss in n = 4 at β·t·|∇f|² = 0.01 and 100, 16 seeds per cell. A cell fails when its
 * reported intervals undercover (see zFailures); withdrawn runs are counted, never failed. The
 * full grid (n up to 100, β·t·|∇f|² up to 1e4, smc, sgld and auto, 40 seeds) is
 * test/e2e/entropy-calibration.test.ts; the table comes from scripts/entropy-calibration.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { calibrateCell, calibrationRow, zFailures, zStats } from "../../src/coarse/calibration.ts";
import { FAMILIES } from "../../src/coarse/calibrationProblems.ts";

test("the failure criteria: honest z-scores pass, understated errors, bias and a confident miss fail", () => {
  const honest = Array.from({ length: 200 }, (_, i) => Math.sqrt(2) * Math.cos((2 * Math.PI * (i + 0.5)) / 200)); // mean 0, mean square 1
  assert.deepEqual(zFailures(zStats(honest), "z"), []);
  assert.deepEqual(zFailures(zStats(honest.map((v) => v / 10)), "z"), [], "overstated errors are honest");
  const under = zFailures(zStats(honest.map((v) => 2 * v)), "z");
  assert.ok(under.some((f) => /cover/.test(f)) && under.some((f) => /mean z²/.test(f)), under.join("; "));
  assert.ok(zFailures(zStats(honest.map((v) => v + 1)), "z").some((f) => /mean z =/.test(f)));
  assert.ok(zFailures(zStats([...honest, 8]), "z").some((f) => /max \|z\|/.test(f)));
});

for (const family of FAMILIES)
  for (const g2 of family === "minor-mode" ? [100] : [0.01, 100])
    test(`${family}, n = 4, β·t·|∇f|² = ${g2}: kernel and laplace importance sampling never undercover`, () => {
      for (const est of ["importance:kernel", "importance:laplace"] as const) {
        const c = calibrateCell(family, 4, g2, est, 16);
        assert.deepEqual(c.failures, [], `${est}: ${c.failures.join("; ")}`);
        if (est === "importance:laplace") assert.ok(c.reported >= 14, `laplace certified only ${c.reported}/16`);
        if (est === "importance:kernel" && g2 >= 100) assert.equal(c.reported, 0, "kernel IS cannot certify here");
      }
    });

test("runs stopped by their evaluation budget count as withdrawn and over budget, and stay out of the mean cost", () => {
  const starved = calibrateCell("quadratic", 4, 100, "smc", 3, 50);
  assert.equal(starved.overBudget, 3);
  assert.equal(starved.withdrawn, 3);
  assert.ok(Number.isNaN(starved.cost));
  assert.match(calibrationRow(starved), /\| – \| all withdrawn \(3 over budget\) \|$/m);
  const fed = calibrateCell("quadratic", 4, 0.01, "importance:laplace", 3);
  assert.equal(fed.overBudget, 0);
  assert.ok(fed.cost > 0 && Number.isFinite(fed.cost));
  assert.doesNotMatch(calibrationRow(fed), /over budget/);
});
