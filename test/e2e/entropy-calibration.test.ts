/**
 * The full calibration grid of the local-entropy estimators (docs/local-entropy.md §calibration):
 * families quadratic (docs/theory.md §C1, indefinite), rotated quartic and minor-mode × n ∈ {1, 4, 20, 100} ×
 * β·t·|∇f|² ∈ {0.01, 1, 100, 1e4} × every estimator, 40 seeds per cell; a cell fails when its
 * reported intervals undercover (zFailures). Plus the multimodality regression at 40 seeds: the
 * default method never returns a confident wrong ∇u on the minor-mode loss (every |z| within the
 * family-wise bound of the answering estimator's error distribution, pooled z² calibrated). Takes hours on one
 * core, so it runs only with SHOCKLENS_E2E=1:
 *
 *   SHOCKLENS_E2E=1 node --import tsx --test test/e2e/entropy-calibration.test.ts
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { calibrateCell, gridCells, FULL_GRID, zFailures, zStats } from "../../src/coarse/calibration.ts";
import { calibrationProblem } from "../../src/coarse/calibrationProblems.ts";
import { localEntropy, studentTQuantile, type LocalEntropyResult } from "../../src/coarse/index.ts";

const skip = process.env.SHOCKLENS_E2E === "1" ? false : "set SHOCKLENS_E2E=1 (hours of CPU)";

for (const { family, dim, g2, estimator } of gridCells(FULL_GRID))
  test(`calibration: ${family}, n = ${dim}, β·t·|∇f|² = ${g2}, ${estimator}`, { skip }, () => {
    const c = calibrateCell(family, dim, g2, estimator, FULL_GRID.seeds);
    assert.deepEqual(c.failures, [], c.failures.join("; "));
  });

/**
 * The largest |z| an honest answer reaches with family-wise probability 1% over `m` values: 4 for
 * estimators with (near-)normal errors; for smc, whose errors come from the spread of R replicates
 * (z is Student-t with R − 1 degrees of freedom, scaled to unit variance), the Bonferroni–Student
 * bound. A confidently wrong answer (error bars tens of times too small) lies far beyond either.
 */
function confidentBound(r: LocalEntropyResult, m: number): number {
  if (r.method !== "smc") return 4;
  const nu = (r.details.replicates as number) - 1;
  return Math.max(4, studentTQuantile(0.01 / m, nu) / Math.sqrt(nu / (nu - 2)));
}

const MINOR_SEEDS = 40;
for (const n of [1, 3, 20])
  test(
    `minor-mode loss, n = ${n}, ${MINOR_SEEDS} seeds: the default never returns a confident wrong u or ∇u ` +
      "(|z| within the family-wise bound, z² calibrated, or null)",
    { skip },
    () => {
      const p = calibrationProblem("minor-mode", n, 100, key(n));
      const z: number[] = [];
      for (let seed = 0; seed < MINOR_SEEDS; seed++) {
        const r = localEntropy(p.objective, p.x, { t: p.t, beta: p.beta, seed });
        if (r.stderr === null || r.gradStderr === null) continue;
        const zs = [
          ((r.u as number) - p.u) / r.stderr,
          ...Array.from(r.grad, (g, j) => (g - p.grad[j]) / r.gradStderr![j]),
        ];
        const bound = confidentBound(r, MINOR_SEEDS * (n + 1));
        zs.forEach((v, j) =>
          assert.ok(
            Math.abs(v) <= bound,
            `seed ${seed} (${r.estimator}): ${j ? `∇u[${j - 1}]` : "u"} z = ${v} > ${bound}`,
          ),
        );
        z.push(...zs);
      }
      const answered = z.length / (n + 1);
      assert.ok(answered >= 20, `only ${answered}/${MINOR_SEEDS} answered with error bars`);
      // pooled over seeds and coordinates the errors are not understated (the calibration criteria)
      const fails = zFailures(zStats(z), "z").filter((f) => !/max \|z\|/.test(f));
      assert.deepEqual(fails, [], fails.join("; "));
      const s = zStats(z);
      const stats = `mean z ${s.mean.toFixed(2)}, mean z² ${s.meanSq.toFixed(2)}, max |z| ${s.maxAbs.toFixed(2)}`;
      process.stderr.write(`n = ${n}: ${answered}/${MINOR_SEEDS} answered, ${stats}\n`);
    },
  );
