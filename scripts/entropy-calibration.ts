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
 */
import { calibrateCell, calibrationTable, CALIBRATED, type CalibratedEstimator } from "../src/coarse/calibration.ts";
import { FAMILIES, type Family } from "../src/coarse/calibrationProblems.ts";

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const quick = argv.includes("--quick");
const list = (name: string, dflt: string) => (opt(name) ?? dflt).split(",");
const families = list("families", FAMILIES.join(",")) as Family[];
const dims = list("dims", quick ? "4" : "1,4,20,100").map(Number);
const g2s = list("g2", quick ? "0.01,100,10000" : "0.01,1,100,10000").map(Number);
const estimators = list("estimators", CALIBRATED.join(",")) as CalibratedEstimator[];
const seeds = Number(opt("seeds") ?? (quick ? 12 : 40));

const cells = [];
for (const family of families)
  for (const n of dims)
    for (const g2 of g2s) {
      if (family === "minor-mode" && g2 < 100) continue; // the well alone gives β·t·|∇f|² ≈ 58
      for (const est of estimators) {
        if (est === "sgld" && (n > 20 || g2 > 100)) continue; // minutes per run there; its failure is shown at small n
        const started = Date.now();
        const c = calibrateCell(family, n, g2, est, seeds);
        cells.push(c);
        process.stderr.write(
          `${family} n=${n} g2=${g2} ${est}: ${c.reported}/${c.seeds} reported, ${c.failures.length ? "FAIL " + c.failures.join("; ") : "ok"} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
        );
      }
    }
process.stdout.write(calibrationTable(cells));
process.exitCode = cells.some((c) => c.failures.length > 0) ? 1 : 0;
