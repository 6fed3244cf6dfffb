/**
 * The full calibration grid of the local-entropy estimators (docs/local-entropy.md §calibration):
 * families quadratic (docs/theory.md §C1, indefinite), rotated quartic and minor-mode × n ∈ {1, 4, 20, 100} ×
 * β·t·|∇f|² ∈ {0.01, 1, 100, 1e4} × every estimator, 40 seeds per cell; a cell fails when its
 * reported intervals undercover (zFailures). Plus the multimodality regression at 40 seeds: the
 * default method never returns a confident wrong ∇u on the minor-mode loss. Takes hours on one
 * core, so it runs only with SHOCKLENS_E2E=1:
 *
 *   SHOCKLENS_E2E=1 node --import tsx --test test/e2e/entropy-calibration.test.ts
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { calibrateCell, gridCells, FULL_GRID } from "../../src/coarse/calibration.ts";
import { calibrationProblem } from "../../src/coarse/calibrationProblems.ts";
import { localEntropy } from "../../src/coarse/index.ts";

const skip = process.env.SHOCKLENS_E2E === "1" ? false : "set SHOCKLENS_E2E=1 (hours of CPU)";

for (const { family, dim, g2, estimator } of gridCells(FULL_GRID))
  test(`calibration: ${family}, n = ${dim}, β·t·|∇f|² = ${g2}, ${estimator}`, { skip }, () => {
    const c = calibrateCell(family, dim, g2, estimator, FULL_GRID.seeds);
    assert.deepEqual(c.failures, [], c.failures.join("; "));
  });

for (const n of [1, 3, 20])
  test(
    `minor-mode loss, n = ${n}, 40 seeds: the default never returns a confident wrong u or ∇u (|z| ≤ 4 or null)`,
    { skip },
    () => {
      const p = calibrationProblem("minor-mode", n, 100, key(n));
      let answered = 0;
      for (let seed = 0; seed < 40; seed++) {
        const r = localEntropy(p.objective, p.x, { t: p.t, beta: p.beta, seed });
        if (r.stderr === null || r.gradStderr === null) continue;
        answered++;
        assert.ok(Math.abs((r.u as number) - p.u) <= 4 * r.stderr, `seed ${seed}: u ${r.u} vs ${p.u} ± ${r.stderr}`);
        for (let j = 0; j < n; j++)
          assert.ok(Math.abs(r.grad[j] - p.grad[j]) <= 4 * r.gradStderr[j], `seed ${seed}: ∇u[${j}] vs ${p.grad[j]}`);
      }
      assert.ok(answered >= 20, `only ${answered}/40 answered with error bars`);
    },
  );
