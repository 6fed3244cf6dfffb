/**
 * Prints the calibration table of the local-entropy estimators (docs/local-entropy.md §calibration):
 * for each regime (problem family × dimension n × β·t·|∇f|²) and estimator, how many runs reported
 * an error bar, the mean and mean square of z = (estimate − truth)/stderr for u and ∇u, the
 * coverage of the nominal 95% intervals and the evaluations per run; exits 1 when a cell fails.
 *
 *   node --import tsx scripts/entropy-calibration.ts            # the full grid (long: tens of minutes)
 *   node --import tsx scripts/entropy-calibration.ts --quick    # the grid of the unit test
 *   options: --families quadratic,quartic,minor-mode --dims 1,4,20,100 --g2 0.01,1,100,10000
 *            --estimators importance:kernel,importance:laplace,smc,sgld,auto --seeds 40
 * (cells that cannot or need not run are skipped: see gridCells in src/coarse/calibration.ts)
 */
import {
  calibrateCell,
  calibrationRow,
  CALIBRATION_HEADER,
  gridCells,
  FULL_GRID,
  type CalibratedEstimator,
  type CalibrationCell,
} from "../src/coarse/calibration.ts";
import type { Family } from "../src/coarse/calibrationProblems.ts";

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes("--quick");
const list = <T>(name: string, dflt: readonly T[], parse: (s: string) => T): T[] =>
  opt(name) === undefined ? [...dflt] : (opt(name) as string).split(",").map(parse);
const grid = {
  families: list<Family>("families", FULL_GRID.families, (s) => s as Family),
  dims: list("dims", quick ? [4] : FULL_GRID.dims, Number),
  g2s: list("g2", quick ? [0.01, 100, 1e4] : FULL_GRID.g2s, Number),
  estimators: list<CalibratedEstimator>("estimators", FULL_GRID.estimators, (s) => s as CalibratedEstimator),
  seeds: Number(opt("seeds") ?? (quick ? 12 : FULL_GRID.seeds)),
};
const cells: CalibrationCell[] = [];
process.stdout.write(CALIBRATION_HEADER); // rows stream out as cells finish
for (const { family, dim, g2, estimator } of gridCells(grid)) {
  const started = Date.now();
  const c = calibrateCell(family, dim, g2, estimator, grid.seeds);
  cells.push(c);
  process.stdout.write(calibrationRow(c));
  process.stderr.write(
    `${family} n=${dim} g2=${g2} ${estimator}: ${c.reported}/${c.seeds} reported, ` +
      `${c.failures.length ? "FAIL " + c.failures.join("; ") : "ok"} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}
process.exitCode = cells.some((c) => c.failures.length > 0) ? 1 : 0;
