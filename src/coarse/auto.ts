/**
 * `method: "auto"` (the default; docs/local-entropy.md §auto): picks an estimator from cheap
 * diagnostics and says why.
 *
 *   - n ≤ 2: quadrature (deterministic; its error is a Richardson estimate).
 *   - no ∇f: kernel importance sampling (the only estimator that needs f alone), under its
 *     weight diagnostics.
 *   - otherwise importance sampling from the Laplace proposal (exact for quadratic losses, and
 *     indifferent to β·t·|∇f|², the squared distance in kernel standard deviations between x and
 *     where the Gibbs kernel's mass lies), cross-checked by smc, an independent estimator that
 *     tempers from the broad kernel and so reaches modes the mode search missed. Both answers
 *     must agree (every |z| over u and the coordinates of ∇u below AGREE_P's Bonferroni–Student
 *     bound); disagreement withdraws the error bars. The answer is laplace's when its diagnostics
 *     hold, else smc's (a fixed preference: picking the smaller stderr would favour understated
 *     ones). smc runs within a budget (max(1e5, 50 × the laplace stage's evaluations)); when it
 *     cannot finish or its own diagnostics fail, the laplace answer keeps its error bars only if
 *     nothing hinted at several modes (one mode found, ∇²U ≻ 0 at every probe, its weight
 *     diagnostics held).
 */
import { foldIn } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { checkCommon, positiveInteger } from "./check.ts";
import { importanceEstimate } from "./importance.ts";
import { quadratureEstimate } from "./quadrature.ts";
import { smcEstimate, SmcBudgetError } from "./smc.ts";
import { studentTQuantile } from "./stats.ts";
import type { AutoChoice, AutoOptions, LocalEntropyResult, Objective } from "./types.ts";

/** Family-wise probability with which two honest estimators are declared to disagree. */
export const AGREE_P = 0.01;
/** Factor on the nominal errors of an estimator whose own diagnostics failed, in the agreement test. */
export const UNCERTIFIED_INFLATION = 3;

export function autoEstimate(obj: Objective, x: Float64Array, o: AutoOptions): LocalEntropyResult {
  const key = checkCommon(obj, x, o);
  const { t, beta } = o;
  const n = obj.dim;
  const crossCheck = o.crossCheck ?? "auto";
  if (!["auto", "always", "never"].includes(crossCheck))
    throw new InputError(`crossCheck: expected auto, always or never, got ${String(crossCheck)}`);
  if (o.samples !== undefined) positiveInteger(o.samples, "samples", 2);
  if (o.particles !== undefined) positiveInteger(o.particles, "particles", 16);

  if (n <= 2) {
    const r = quadratureEstimate(obj, x, { t, beta, stderr: o.stderr });
    return withChoice(r, `n = ${n} ≤ 2: deterministic quadrature of the kernel integral`, { dim: n }, null);
  }
  if (!obj.valueAndGrad) {
    const r = importanceEstimate(obj, x, { t, beta, key, samples: o.samples, stderr: o.stderr });
    return withChoice(
      r,
      `the objective has no gradient: importance sampling from the kernel, certified only by its weight diagnostics`,
      { dim: n },
      null,
    );
  }
  const g = obj.valueAndGrad(x).grad;
  const g2 = beta * t * g.reduce((s, v) => s + v * v, 0);
  const lap = importanceEstimate(obj, x, {
    t,
    beta,
    key: foldIn(key, 1),
    proposal: "laplace",
    samples: o.samples,
    stderr: o.stderr,
  });
  const search = lap.details.search as { nonconvex: boolean; lambdaMinAtX: number | null };
  const modes = lap.details.modes as number;
  const diagnostics = {
    dim: n,
    betaTGradSq: g2,
    modes,
    nonconvex: search.nonconvex,
    lambdaMinAtX: search.lambdaMinAtX,
    kHat: lap.reliability.checks.kHat ?? null,
    ess: lap.ess,
    hvp: obj.hvp !== undefined,
  };
  const why = [
    `n = ${n} > 2, β·t·|∇f|² = ${g2.toPrecision(3)}${g2 > 1 ? " (kernel draws would mostly miss the Gibbs kernel's mass)" : ""}: importance sampling from the Laplace proposal at the Gibbs kernel's mode${modes > 1 ? "s" : ""}`,
  ];
  const triggers: string[] = [];
  if (modes > 1) triggers.push(`${modes} modes found`);
  if (search.nonconvex) triggers.push("∇²U has a non-positive eigenvalue at a probe (U not convex)");
  if (!lap.reliability.certified) triggers.push(`its diagnostics failed (${lap.reliability.reason})`);
  if (crossCheck === "never") {
    why.push("cross-check disabled");
    if (triggers.length === 0) return withChoice(lap, why.join("; "), diagnostics, null);
    return withChoice(withdraw(lap, `${triggers.join(", ")}, and no cross-check`), why.join("; "), diagnostics, null);
  }
  const because = triggers.length > 0 ? triggers.join(", ") : "one mode found and ∇²U ≻ 0 at every probe";
  const budget = o.maxEvaluations ?? (crossCheck === "always" ? undefined : Math.max(1e5, 50 * lap.samples));
  let smc: LocalEntropyResult;
  try {
    smc = smcEstimate(obj, x, {
      t,
      beta,
      key: foldIn(key, 2),
      particles: o.particles,
      stderr: o.stderr,
      maxEvaluations: budget,
    });
  } catch (e) {
    if (!(e instanceof SmcBudgetError)) throw e;
    const check = { estimator: "smc", u: null, stderr: null, maxAbsZ: null, agree: null, reason: e.message };
    if (triggers.length === 0) {
      why.push(`${because}; the smc cross-check did not fit its budget (${e.message})`);
      return withChoice(lap, why.join("; "), diagnostics, check);
    }
    why.push(`${because}: the smc cross-check could not finish (${e.message})`);
    const r = withdraw(lap, `${because}, and the smc cross-check could not finish`);
    return withChoice(r, why.join("; "), diagnostics, {
      estimator: "smc",
      u: null,
      stderr: null,
      maxAbsZ: null,
      agree: null,
      reason: e.message,
    });
  }
  const cmp = compare(lap, smc, n);
  const check = {
    estimator: smc.estimator,
    u: smc.u,
    stderr: smc.stderr,
    maxAbsZ: cmp.maxAbsZ,
    agree: cmp.agree,
    reason: cmp.agree === false ? `max |z| = ${fmt(cmp.maxAbsZ)} > ${fmt(cmp.threshold)}` : null,
  };
  const cost = lap.samples + smc.samples;
  if (cmp.agree === false) {
    why.push(
      `${because}: cross-checked by smc, which disagrees (max |z| = ${fmt(cmp.maxAbsZ)} > ${fmt(cmp.threshold)})`,
    );
    const r = withdraw(
      smc,
      `importance (laplace) and smc disagree: max |z| = ${fmt(cmp.maxAbsZ)} > ${fmt(cmp.threshold)}`,
    );
    return withChoice({ ...r, samples: cost }, why.join("; "), diagnostics, check);
  }
  const agreement = cmp.agree === null ? "no comparable errors" : `agree, max |z| = ${fmt(cmp.maxAbsZ)}`;
  if (lap.reliability.certified && (smc.reliability.certified || triggers.length === 0)) {
    why.push(
      `${because}: cross-checked by smc (${agreement}${smc.reliability.certified ? "" : `; smc's own error bars were withdrawn: ${smc.reliability.reason}`}); answered by importance (laplace)`,
    );
    return withChoice({ ...lap, samples: cost }, why.join("; "), diagnostics, check);
  }
  if (smc.reliability.certified && cmp.agree !== null) {
    why.push(`${because}: cross-checked by smc (${agreement}); answered by smc (laplace's diagnostics failed)`);
    return withChoice({ ...smc, samples: cost }, why.join("; "), diagnostics, check);
  }
  const reason = lap.reliability.certified
    ? `${because}, and the smc cross-check is inconclusive (${smc.reliability.reason})`
    : `neither estimator's diagnostics hold (importance (laplace): ${lap.reliability.reason}; smc: ${smc.reliability.reason ?? "no comparable errors"})`;
  why.push(`${because}: cross-checked by smc (${agreement}), ${reason}`);
  return withChoice(withdraw({ ...smc, samples: cost }, reason), why.join("; "), diagnostics, check);
}

/**
 * Largest |z| of the differences of u and of each ∇u coordinate between two estimates (their
 * errors combined in quadrature; an estimator whose error bars were withdrawn enters with its
 * nominal errors times UNCERTIFIED_INFLATION, so only a gross disagreement counts), against the
 * two-sided Student-t bound with the smc's replicates − 1 degrees of freedom at AGREE_P/(n + 1),
 * scaled to unit variance.
 */
function compare(a: LocalEntropyResult, b: LocalEntropyResult, n: number) {
  const err = (r: LocalEntropyResult) => {
    const k = r.reliability.certified ? 1 : UNCERTIFIED_INFLATION;
    const u = r.stderr ?? r.reliability.nominal?.stderr ?? null;
    const g = r.gradStderr ?? r.reliability.nominal?.gradStderr ?? null;
    return { u: u === null ? null : k * u, g: g === null ? null : g.map((v) => k * v) };
  };
  const ea = err(a);
  const eb = err(b);
  const R = (b.details.replicates as number | undefined) ?? 8;
  const nu = Math.max(1, R - 1);
  const threshold = Math.max(4, studentTQuantile(AGREE_P / (n + 1), nu) / Math.sqrt(nu / Math.max(1, nu - 2)));
  if (ea.u === null || eb.u === null || ea.g === null || eb.g === null || a.u === null || b.u === null)
    return { maxAbsZ: null, agree: null, threshold };
  let maxAbsZ = Math.abs(a.u - b.u) / Math.hypot(ea.u, eb.u);
  for (let j = 0; j < n; j++)
    maxAbsZ = Math.max(maxAbsZ, Math.abs(a.grad[j] - b.grad[j]) / Math.hypot(ea.g[j], eb.g[j]));
  return { maxAbsZ, agree: maxAbsZ <= threshold, threshold };
}

function withdraw(r: LocalEntropyResult, reason: string): LocalEntropyResult {
  const nominal = r.reliability.nominal ?? {
    stderr: r.stderr,
    gradStderr: r.gradStderr,
    gradNormStderr: r.gradNormStderr,
  };
  const full = r.reliability.reason ? `${reason}; ${r.reliability.reason}` : reason;
  return {
    ...r,
    stderr: null,
    gradStderr: null,
    gradNormStderr: null,
    warnings: [...r.warnings.filter((w) => !/error bars withdrawn/.test(w)), `auto: error bars withdrawn: ${full}`],
    reliability: { ...r.reliability, certified: false, reason: full, nominal },
  };
}

function withChoice(
  r: LocalEntropyResult,
  reason: string,
  diagnostics: AutoChoice["diagnostics"],
  crossCheck: AutoChoice["crossCheck"],
): LocalEntropyResult {
  return { ...r, auto: { chosen: r.method, estimator: r.estimator, reason, diagnostics, crossCheck } };
}

function fmt(v: number | null): string {
  return v === null ? "n/a" : v.toPrecision(3);
}
