/**
 * Calibration of the estimators' error bars (docs/local-entropy.md §calibration): on problems with
 * exact u and ∇u (calibrationProblems.ts), each estimator runs with many seeds; wherever it reports
 * an error bar, z = (estimate − truth)/stderr. Honest error bars give z with mean ≈ 0 and variance
 * ≈ 1 (exact estimators: |z| ≪ 1, which is honest too). A cell (family × n × β·t·|∇f|² ×
 * estimator) fails when, over its m reported z-values,
 *
 *   - the 95% interval undercovers: the share of |z| ≤ 1.96 is below 0.95 − 3√(0.95·0.05/m) − 0.01;
 *   - the variance is too large: mean z² > 1 + 4√(2/m) + 0.15 (the errors are understated);
 *   - the mean is biased: |mean z| > 0.25 + 3√(mean z²/m);
 *   - or any |z| > 6 (a confidently wrong answer).
 * Runs whose error bars are withdrawn count as withdrawn, never as failures; the table reports
 * how many there were. A run that stops at its evaluation budget reports nothing: it counts as
 * withdrawn and as over budget, and stays out of the mean cost (which is that of finished runs).
 */
import { key as keyOf, foldIn } from "../core/random.ts";
import { localEntropy } from "./localEntropy.ts";
import { calibrationProblem, type Family } from "./calibrationProblems.ts";
import type { LocalEntropyOptions, LocalEntropyResult } from "./types.ts";

export type CalibratedEstimator = "importance:kernel" | "importance:laplace" | "smc" | "sgld" | "auto";
export const CALIBRATED: readonly CalibratedEstimator[] = [
  "importance:kernel",
  "importance:laplace",
  "smc",
  "sgld",
  "auto",
];

export interface ZStats {
  m: number;
  mean: number;
  meanSq: number;
  coverage95: number;
  maxAbs: number;
}

export interface CalibrationCell {
  family: Family;
  dim: number;
  /** Nominal and realised β·t·|∇f(x)|². */
  g2: number;
  realisedG2: number;
  estimator: CalibratedEstimator;
  seeds: number;
  reported: number;
  withdrawn: number;
  /** Runs stopped by their evaluation budget (among the withdrawn). */
  overBudget: number;
  u: ZStats;
  grad: ZStats;
  /** Mean evaluations (f, ∇f, HVP) per finished run (NaN when every run went over budget). */
  cost: number;
  failures: string[];
  /** What auto answered with, counted over the seeds. */
  answeredBy: Record<string, number>;
}

export function zStats(z: readonly number[]): ZStats {
  const m = z.length;
  if (m === 0) return { m: 0, mean: NaN, meanSq: NaN, coverage95: NaN, maxAbs: NaN };
  return {
    m,
    mean: z.reduce((a, b) => a + b, 0) / m,
    meanSq: z.reduce((a, b) => a + b * b, 0) / m,
    coverage95: z.filter((v) => Math.abs(v) <= 1.96).length / m,
    maxAbs: Math.max(...z.map(Math.abs)),
  };
}

/** The failed criteria of one set of z-values (empty: calibrated or conservative). */
export function zFailures(s: ZStats, what: string): string[] {
  if (s.m === 0) return [];
  const out: string[] = [];
  const minCover = 0.95 - 3 * Math.sqrt((0.95 * 0.05) / s.m) - 0.01;
  if (s.coverage95 < minCover)
    out.push(`${what}: 95% intervals cover ${(100 * s.coverage95).toFixed(1)}% < ${(100 * minCover).toFixed(1)}%`);
  const maxSq = 1 + 4 * Math.sqrt(2 / s.m) + 0.15;
  if (s.meanSq > maxSq) out.push(`${what}: mean z² = ${s.meanSq.toFixed(2)} > ${maxSq.toFixed(2)}`);
  const maxMean = 0.25 + 3 * Math.sqrt(s.meanSq / s.m);
  if (Math.abs(s.mean) > maxMean) out.push(`${what}: mean z = ${s.mean.toFixed(2)}, |·| > ${maxMean.toFixed(2)}`);
  if (s.maxAbs > 6) out.push(`${what}: max |z| = ${s.maxAbs.toFixed(1)} > 6`);
  return out;
}

/** The evaluation budget of the smc and auto runs of a cell, unless calibrateCell is given another. */
export const CALIBRATION_BUDGET = 2e6;

function optionsFor(
  est: CalibratedEstimator,
  seed: number,
  t: number,
  beta: number,
  maxEvaluations: number,
): LocalEntropyOptions {
  const key = foldIn(keyOf(0xca1b), seed);
  switch (est) {
    case "importance:kernel":
      return { method: "importance", t, beta, key, proposal: "kernel" };
    case "importance:laplace":
      return { method: "importance", t, beta, key, proposal: "laplace" };
    case "smc":
      return { method: "smc", t, beta, key, maxEvaluations };
    case "sgld":
      return { method: "sgld", t, beta, key, samples: 1000 };
    case "auto":
      return { t, beta, key, maxEvaluations };
  }
}

/** Runs one cell: `seeds` runs of `estimator` on one fixed problem (smc and auto within `maxEvaluations`). */
export function calibrateCell(
  family: Family,
  dim: number,
  g2: number,
  estimator: CalibratedEstimator,
  seeds: number,
  maxEvaluations: number = CALIBRATION_BUDGET,
): CalibrationCell {
  const p = calibrationProblem(family, dim, g2, keyOf(1000 * dim + Math.round(Math.log10(g2) * 10)));
  const zu: number[] = [];
  const zg: number[] = [];
  let reported = 0;
  let overBudget = 0;
  let cost = 0;
  const answeredBy: Record<string, number> = {};
  for (let seed = 0; seed < seeds; seed++) {
    let r: LocalEntropyResult;
    try {
      r = localEntropy(p.objective, p.x, optionsFor(estimator, seed, p.t, p.beta, maxEvaluations));
    } catch (e) {
      if (e instanceof Error && /budget/.test(e.message)) {
        overBudget++;
        continue;
      }
      throw e;
    }
    cost += r.samples;
    answeredBy[r.estimator] = (answeredBy[r.estimator] ?? 0) + 1;
    if (r.stderr === null || r.gradStderr === null || r.u === null) continue;
    reported++;
    zu.push((r.u - p.u) / r.stderr);
    for (let j = 0; j < dim; j++) zg.push((r.grad[j] - p.grad[j]) / r.gradStderr[j]);
  }
  const u = zStats(zu);
  const grad = zStats(zg);
  return {
    family,
    dim,
    g2,
    realisedG2: p.betaTGradSq,
    estimator,
    seeds,
    reported,
    withdrawn: seeds - reported,
    overBudget,
    u,
    grad,
    cost: overBudget < seeds ? cost / (seeds - overBudget) : NaN,
    failures: [...zFailures(u, "u"), ...zFailures(grad, "∇u")],
    answeredBy,
  };
}

export interface GridSpec {
  families: readonly Family[];
  dims: readonly number[];
  g2s: readonly number[];
  estimators: readonly CalibratedEstimator[];
  seeds: number;
}

/** The full grid of the calibration table (scripts/entropy-calibration.ts, test/e2e). */
export const FULL_GRID: GridSpec = {
  families: ["quadratic", "quartic", "minor-mode"],
  dims: [1, 4, 20, 100],
  g2s: [0.01, 1, 100, 1e4],
  estimators: CALIBRATED,
  seeds: 40,
};

/**
 * The cells of a grid, minus those that cannot or need not run: the minor-mode family starts at
 * β·t·|∇f|² ≈ 58 (its well alone); sgld beyond n = 20 or β·t·|∇f|² = 100, and smc beyond n = 20 or
 * beyond n = 4 at β·t·|∇f|² > 100, take minutes per run (their behaviour is shown at smaller
 * sizes); n = 1 runs only auto (quadrature) and the importance samplers.
 */
export function gridCells(g: GridSpec): { family: Family; dim: number; g2: number; estimator: CalibratedEstimator }[] {
  const out: { family: Family; dim: number; g2: number; estimator: CalibratedEstimator }[] = [];
  for (const family of g.families)
    for (const dim of g.dims)
      for (const g2 of g.g2s) {
        if (family === "minor-mode" && g2 < 100) continue;
        if (family === "minor-mode" && dim === 1 && g2 > 100) continue; // n = 1 has no coordinate to add β·t·|∇f|² to
        for (const estimator of g.estimators) {
          if (estimator === "sgld" && (dim > 20 || dim === 1 || g2 > 100)) continue;
          if (estimator === "smc" && (dim > 20 || dim === 1 || (dim > 4 && g2 > 100))) continue;
          out.push({ family, dim, g2, estimator });
        }
      }
  return out;
}

/** The header of the calibration table (Markdown). */
export const CALIBRATION_HEADER =
  "| family | n | β·t·\\|∇f\\|² | estimator | reported/runs | z(u) mean, mean z² | z(∇u) mean, mean z² " +
  "| 95% coverage u / ∇u | evaluations/run | verdict |\n" +
  "|---|---|---|---|---|---|---|---|---|---|\n";

/** One row of the table: regime × estimator → reported/withdrawn, z statistics, coverage, cost, verdict. */
export function calibrationRow(c: CalibrationCell): string {
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "–");
  const pct = (z: ZStats) => (z.m ? (100 * z.coverage95).toFixed(0) + "%" : "–");
  const verdict =
    (c.failures.length ? "FAIL: " + c.failures.join("; ") : c.reported === 0 ? "all withdrawn" : "ok") +
    (c.overBudget > 0 ? ` (${c.overBudget} over budget)` : "");
  return (
    `| ${c.family} | ${c.dim} | ${c.realisedG2.toPrecision(2)} | ${c.estimator} | ${c.reported}/${c.seeds} ` +
    `| ${f(c.u.mean)}, ${f(c.u.meanSq)} | ${f(c.grad.mean)}, ${f(c.grad.meanSq)} ` +
    `| ${pct(c.u)} / ${pct(c.grad)} | ${Number.isFinite(c.cost) ? Math.round(c.cost) : "–"} | ${verdict} |\n`
  );
}

/** The whole table. */
export function calibrationTable(cells: readonly CalibrationCell[]): string {
  return CALIBRATION_HEADER + cells.map(calibrationRow).join("");
}
