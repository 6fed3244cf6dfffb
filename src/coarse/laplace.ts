/**
 * Importance sampling of the local entropy from a Laplace proposal (docs/local-entropy.md §laplace):
 *
 *   u = −β⁻¹ log Z + (n/2β) log(2πt/β),   Z = ∫ e^{−βU(y)} dy,   U(y) = f(y) + |y − x|²/(2t).
 *
 * 1. Modes: a multi-start search (modes.ts) finds the Gibbs kernel's modes y*_k with Laplace fits
 *    and masses Z_k; Z_L = Σ Z_k is the Laplace evidence (docs/theory.md §C9 for one mode).
 * 2. Samples from the defensive mixture q (laplaceProposal.ts); weights a = p̃/(Z_L q), b = q_L/q.
 * 3. Estimates (cvSums.ts): Z = Z_L·R̂, ⟨y⟩ = c̄ + m̂, with the Laplace mixture q_L as control
 *    variate when an independent pilot sample (N/4 draws, another key) shows that it cuts the
 *    weights' variance at least CV_GAIN-fold — the target is then Gaussian to within the weights'
 *    noise, e.g. exactly for a quadratic loss (docs/theory.md §C1), where u and ∇u come out exact. Deciding on the
 *    same sample would bias the estimate towards samples that happen to fit the Laplace mixture.
 *    u carries the delta-method bias correction −β⁻¹·½(se(R̂)/R̂)².
 * Diagnostics: Pareto k̂ of the weights a (and of the residual weights |a − ĉb| when the control
 * variate is used) at most KHAT_MAX, Kish ESS at least MIN_ESS; otherwise the errors are withdrawn.
 */
import { type Key, foldIn, normalArray, uniformArray } from "../core/random.ts";
import { logSumExp, gradientSummary } from "./stats.ts";
import { finiteOrInf } from "./check.ts";
import { searchModes, type ModeSearch } from "./modes.ts";
import { LaplaceMixture } from "./laplaceProposal.ts";
import { CvSums, CV_GAIN } from "./cvSums.ts";
import { paretoKHat, heavyTail, KHAT_MAX, MIN_ESS } from "./psis.ts";
import { countingObjective, totalEvaluations } from "./objective.ts";
import { certify, roundingFloor } from "./reliability.ts";
import type { ImportanceOptions, LocalEntropyResult, Objective } from "./types.ts";

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
  const q = new LaplaceMixture(kept, x, t, beta, logZL);

  const logA: number[] = [];
  const logB: number[] = [];
  const d = new Float64Array(n);
  const sample = (size: number, k: Key, acc: CvSums, keep: boolean) => {
    const z = normalArray(foldIn(k, 0), size * n);
    const pick = uniformArray(foldIn(k, 1), size);
    for (let i = 0; i < size; i++) {
      const { y, logQ, logQL } = q.draw(z.subarray(i * n, (i + 1) * n), pick[i]);
      let r2 = 0;
      for (let j = 0; j < n; j++) {
        r2 += (y[j] - x[j]) ** 2;
        d[j] = y[j] - q.cbar[j];
      }
      const U = finiteOrInf(obj.value(y), "at an importance sample") + r2 / (2 * t);
      const la = -beta * U - logQ - logZL;
      acc.add(la, logQL - logQ, d);
      if (keep) {
        logA.push(la);
        logB.push(logQL - logQ);
      }
    }
  };
  const pilot = new CvSums(n);
  sample(Math.max(64, Math.ceil(run.N0 / 4)), foldIn(run.key, 0x9170), pilot, false);
  const gain = pilot.cvGain();
  const useCv = gain >= CV_GAIN;

  const acc = new CvSums(n);
  let batch = 0;
  let est = acc.estimate(useCv);
  for (;;) {
    sample(batch === 0 ? run.N0 : acc.n, foldIn(run.key, batch++), acc, true);
    est = acc.estimate(useCv);
    if (run.target === undefined || est.relSe / beta <= run.target || 2 * acc.n > run.maxN) break;
    if (paretoKHat(logA) > KHAT_MAX) break; // more samples cannot certify an infinite-variance estimate
  }

  const kHat = paretoKHat(logA);
  const kResidual = useCv
    ? paretoKHat(logA.map((la, i) => Math.log(Math.abs(Math.exp(la - acc.M) - est.c * Math.exp(logB[i])))))
    : null;
  const logR = est.logR;
  const constant = (n / (2 * beta)) * Math.log((2 * Math.PI * t) / beta);
  const u = -(logZL + logR + 0.5 * est.relSe ** 2) / beta + constant;
  const laplaceU = -logZL / beta + constant;
  const mean = Float64Array.from(q.cbar, (c, j) => c + est.mean[j]);
  const grad = Float64Array.from(mean, (m, j) => (x[j] - m) / t);
  const yScale = Math.max(...Array.from(mean, Math.abs), ...Array.from(x, Math.abs));
  const gradStderr = Float64Array.from(est.meanSe, (v) => Math.hypot(v, roundingFloor(yScale)) / t);
  const stderr = Math.hypot(est.relSe / beta, roundingFloor(u, kept[0].U, laplaceU));
  const failures: string[] = [];
  if (!Number.isFinite(logR)) failures.push("the estimate of Z/Z_Laplace is not positive");
  if (heavyTail(kHat, Math.sqrt(Math.max(0, acc.n / est.ess - 1))))
    failures.push(
      `Pareto k̂ = ${fmt(kHat)} > ${KHAT_MAX}: the importance weights are too heavy-tailed for a standard error`,
    );
  if (kResidual !== null && heavyTail(kResidual, est.relSe * Math.sqrt(acc.n)))
    failures.push(`Pareto k̂ of the control-variate residuals = ${fmt(kResidual)} > ${KHAT_MAX}`);
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
        `−β⁻¹ log Z by importance sampling from a Laplace mixture at the Gibbs kernel's mode${kept.length > 1 ? "s" : ""}` +
        (useCv ? ", the Laplace evidence as control variate (exact for quadratic losses)" : ""),
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
        modeWeights: q.logPi.map(Math.exp),
        laplaceU,
        logCorrection: logR,
        controlVariate: useCv,
        controlVariateGain: gain,
        kHat,
        kHatResidual: kResidual,
        search: searchSummary(search),
      },
    },
    failures,
    {
      ess: est.ess,
      kHat,
      kHatResidual: kResidual,
      kHatMax: KHAT_MAX,
      minEss: MIN_ESS,
      modes: search.modes.length,
      nonconvex: search.nonconvex,
    },
  );
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
