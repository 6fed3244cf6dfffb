/**
 * Importance sampling of the local entropy from a Laplace proposal (docs/local-entropy.md §laplace):
 *
 *   u = −β⁻¹ log Z + (n/2β) log(2πt/β),   Z = ∫ e^{−βU(y)} dy,   U(y) = f(y) + |y − x|²/(2t).
 *
 * 1. Modes: a multi-start search (modes.ts) finds the Gibbs kernel's modes y*_k with Laplace fits
 *    N(y*_k, P_k⁻¹), P_k = β∇²U(y*_k), and masses Z_k; Z_L = Σ Z_k, π_k = Z_k/Z_L.
 * 2. Proposal (defensive mixture, Hesterberg 1995): with s² = 1 + 2/√n,
 *      q = 0.8 Σ π'_k N(y*_k, P_k⁻¹) + 0.1 Σ π'_k N(y*_k, s²P_k⁻¹) + 0.1 N(x, (t/β)I),
 *    π'_k = π_k floored at 1/(4K) and renormalised, so every mode found is sampled. The kernel
 *    component keeps the weights bounded (p̃/q ≤ 10 p̃/N(x, t/β) ∝ e^{−βf}), the widened one covers
 *    moderately heavier tails.
 * 3. Regression estimators with the Laplace mixture q_L = Σ π_k N(y*_k, P_k⁻¹) as control variate
 *    (cvSums.ts): Z = Z_L·R, ⟨y⟩ = c̄ + m. For a quadratic loss (C1) both are exact.
 *    u carries the delta-method bias correction −β⁻¹·½(se(R̂)/R̂)².
 * Diagnostics: Pareto k̂ of the weights a (withdraw above 0.7), Kish ESS (withdraw below MIN_ESS).
 */
import { type Key, foldIn, normalArray, uniformArray } from "../core/random.ts";
import { logSumExp, gradientSummary } from "./stats.ts";
import { finiteOrInf } from "./check.ts";
import { kernelFit, type GaussianFit } from "./gaussian.ts";
import { searchModes, type ModeSearch } from "./modes.ts";
import { CvSums } from "./cvSums.ts";
import { paretoKHat, KHAT_MAX, MIN_ESS } from "./psis.ts";
import { countingObjective, totalEvaluations } from "./objective.ts";
import { certify, roundingFloor } from "./reliability.ts";
import type { ImportanceOptions, LocalEntropyResult, Objective } from "./types.ts";

interface Component {
  fit: GaussianFit;
  mode: number; // index into the modes (−1: the kernel)
  scale: number;
  logWeight: number;
}

export interface LaplaceRun {
  N0: number;
  target?: number;
  maxN: number;
  key: Key;
}

export function laplaceEstimate(
  target: Objective,
  x: Float64Array,
  o: ImportanceOptions,
  run: LaplaceRun,
): LocalEntropyResult {
  const { objective: obj, count } = countingObjective(target);
  const { t, beta } = o;
  const n = obj.dim;
  const search = searchModes(obj, { x, t, beta, key: foldIn(run.key, 0x10de), draws: o.starts, rank: o.rank });
  const kept = search.modes.filter((m) => m.logMass >= search.modes[0].logMass - 30);
  const logZL = logSumExp(kept.map((m) => m.logMass));
  const logPi = kept.map((m) => m.logMass - logZL);
  const floorPi = 1 / (4 * kept.length);
  const piS = logPi.map((l) => Math.max(Math.exp(l), floorPi));
  const piSum = piS.reduce((a, b) => a + b, 0);
  const s = Math.sqrt(1 + 2 / Math.sqrt(n));
  const comps: Component[] = [];
  kept.forEach((m, k) => {
    comps.push({ fit: m.fit, mode: k, scale: 1, logWeight: Math.log((0.8 * piS[k]) / piSum) });
    comps.push({ fit: m.fit, mode: k, scale: s, logWeight: Math.log((0.1 * piS[k]) / piSum) });
  });
  comps.push({ fit: kernelFit(x, t, beta), mode: -1, scale: 1, logWeight: Math.log(0.1) });
  const cumulative = cumulativeWeights(comps);
  const cbar = new Float64Array(n);
  kept.forEach((m, k) => {
    for (let j = 0; j < n; j++) cbar[j] += Math.exp(logPi[k]) * m.y[j];
  });

  const acc = new CvSums(n);
  const logA: number[] = [];
  const d = new Float64Array(n);
  const quad = new Float64Array(kept.length + 1);
  let batch = 0;
  let est = acc.estimate();
  for (;;) {
    const size = batch === 0 ? run.N0 : acc.n;
    const kb = foldIn(run.key, batch++);
    const z = normalArray(foldIn(kb, 0), size * n);
    const pick = uniformArray(foldIn(kb, 1), size);
    for (let i = 0; i < size; i++) {
      const c = comps[cumulative.findIndex((w) => pick[i] < w)] ?? comps[comps.length - 1];
      const y = c.fit.sample(z.subarray(i * n, (i + 1) * n), c.scale);
      // quadratic forms per distinct fit (the widened component shares its mode's form)
      kept.forEach((m, k) => (quad[k] = m.fit.mahalanobis2(y)));
      quad[kept.length] = comps[comps.length - 1].fit.mahalanobis2(y);
      const logQ = logSumExp(
        comps.map((cp) => cp.logWeight + cp.fit.logDensityOfQuad(quad[cp.mode < 0 ? kept.length : cp.mode], cp.scale)),
      );
      const logQL = logSumExp(kept.map((m, k) => logPi[k] + m.fit.logDensityOfQuad(quad[k])));
      let r2 = 0;
      for (let j = 0; j < n; j++) {
        r2 += (y[j] - x[j]) ** 2;
        d[j] = y[j] - cbar[j];
      }
      const U = finiteOrInf(obj.value(y), "at an importance sample") + r2 / (2 * t);
      const la = -beta * U - logQ - logZL;
      logA.push(la);
      acc.add(la, logQL - logQ, d);
    }
    est = acc.estimate();
    const seU = est.relSe / beta;
    if (run.target === undefined || seU <= run.target || 2 * acc.n > run.maxN) break;
    if (paretoKHat(logA) > KHAT_MAX) break; // more samples cannot certify an infinite-variance estimate
  }

  const kHat = paretoKHat(logA);
  const logR = est.logR;
  const constant = (n / (2 * beta)) * Math.log((2 * Math.PI * t) / beta);
  const u = -(logZL + logR + 0.5 * est.relSe ** 2) / beta + constant;
  const laplaceU = -logZL / beta + constant;
  const mean = Float64Array.from(cbar, (c, j) => c + est.mean[j]);
  const grad = Float64Array.from(mean, (m, j) => (x[j] - m) / t);
  const yScale = Math.max(...Array.from(mean, Math.abs), ...Array.from(x, Math.abs));
  const gradStderr = Float64Array.from(est.meanSe, (v) => Math.hypot(v, roundingFloor(yScale)) / t);
  const stderr = Math.hypot(est.relSe / beta, roundingFloor(u, kept[0].U, laplaceU));
  const failures: string[] = [];
  if (!Number.isFinite(logR)) failures.push("the regression estimate of Z/Z_Laplace is not positive");
  if (!(kHat <= KHAT_MAX))
    failures.push(
      `Pareto k̂ = ${fmt(kHat)} > ${KHAT_MAX}: the importance weights are too heavy-tailed for a standard error`,
    );
  if (!(est.ess >= MIN_ESS)) failures.push(`ESS = ${fmt(est.ess)} < ${MIN_ESS} of ${acc.n} samples`);
  const warnings: string[] = [];
  if (run.target !== undefined && failures.length === 0 && stderr > run.target)
    warnings.push(`importance: stderr ${stderr.toPrecision(3)} > target ${run.target} at the cap of ${acc.n} samples`);
  return certify(
    {
      method: "importance",
      estimator: "importance (laplace proposal)",
      t,
      beta,
      nu: 1 / (2 * beta),
      dim: n,
      u: Number.isFinite(logR) ? u : laplaceU,
      uNote:
        "−β⁻¹ log Z by importance sampling from a Laplace mixture at the Gibbs kernel's modes, with the Laplace evidence as control variate (exact for quadratic losses)",
      stderr,
      errorKind: "statistical",
      ...gradientSummary(grad, gradStderr),
      mean,
      ess: est.ess,
      samples: totalEvaluations(count),
      warnings,
      details: {
        proposal: "laplace",
        sampleCount: acc.n,
        cost: { ...count },
        rounds: batch,
        modes: search.modes.length,
        modesKept: kept.length,
        modeWeights: logPi.map(Math.exp),
        laplaceU,
        logCorrection: logR,
        controlVariateCoefficient: est.c,
        kHat,
        search: searchSummary(search),
      },
    },
    failures,
    { ess: est.ess, kHat, kHatMax: KHAT_MAX, minEss: MIN_ESS, modes: search.modes.length, nonconvex: search.nonconvex },
  );
}

function cumulativeWeights(comps: Component[]): number[] {
  let c = 0;
  return comps.map((cp) => (c += Math.exp(cp.logWeight)));
}

export function searchSummary(s: ModeSearch): Record<string, unknown> {
  return {
    starts: s.starts,
    nonconvex: s.nonconvex,
    lambdaMinAtX: s.lambdaMinAtX,
    modes: s.modes.map((m) => ({ U: m.U, f: m.f, logMass: m.logMass, hits: m.hits, converged: m.converged })),
  };
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(3) : String(v);
}
