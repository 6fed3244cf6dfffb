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
import { checkCommon } from "./check.ts";
import { integer } from "../validate.ts";
import { importanceEstimate } from "./importance.ts";
import { quadratureEstimate } from "./quadrature.ts";
import { smcEstimate, SmcBudgetError } from "./smc.ts";
import { crossCheckDecision, withdraw } from "./crossCheck.ts";
import type { AutoChoice, AutoOptions, LocalEntropyResult, Objective } from "./types.ts";

/** Particles per replicate of the smc cross-check (it must see gross disagreement; its own error is secondary). */
export const AUTO_PARTICLES = 128;
/** Least budget of the smc cross-check, in evaluations of f, ∇f and HVPs. */
export const AUTO_BUDGET = 1e5;

export function autoEstimate(obj: Objective, x: Float64Array, o: AutoOptions): LocalEntropyResult {
  const key = checkCommon(obj, x, o);
  const { t, beta } = o;
  const n = obj.dim;
  const crossCheck = o.crossCheck ?? "auto";
  if (!["auto", "always", "never"].includes(crossCheck))
    throw new InputError(`crossCheck: expected auto, always or never, got ${String(crossCheck)}`, {
      field: "crossCheck",
    });
  if (o.samples !== undefined) integer(o.samples, "samples", 2);
  if (o.particles !== undefined) integer(o.particles, "particles", 16);

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
    `n = ${n} > 2, β·t·|∇f|² = ${g2.toPrecision(3)}` +
      `${g2 > 1 ? " (kernel draws would mostly miss the Gibbs kernel's mass)" : ""}: ` +
      `importance sampling from the Laplace proposal at the Gibbs kernel's mode${modes > 1 ? "s" : ""}`,
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
  const budget = o.maxEvaluations ?? (crossCheck === "always" ? undefined : Math.max(AUTO_BUDGET, 50 * lap.samples));
  let smc: LocalEntropyResult;
  try {
    smc = smcEstimate(obj, x, {
      t,
      beta,
      key: foldIn(key, 2),
      particles: o.particles ?? AUTO_PARTICLES,
      stderr: o.stderr,
      maxEvaluations: budget,
    });
  } catch (e) {
    if (!(e instanceof SmcBudgetError)) throw e;
    const check = { estimator: "smc", u: null, stderr: null, maxAbsZ: null, agree: null, reason: e.message };
    // the cost includes what the abandoned cross-check spent
    const spent = { ...lap, samples: lap.samples + e.evaluations };
    if (triggers.length === 0) {
      why.push(`${because}; the smc cross-check did not fit its budget (${e.message})`);
      return withChoice(spent, why.join("; "), diagnostics, check);
    }
    why.push(`${because}: the smc cross-check could not finish (${e.message})`);
    const r = withdraw(spent, `${because}, and the smc cross-check could not finish`);
    return withChoice(r, why.join("; "), diagnostics, check);
  }
  const d = crossCheckDecision(lap, smc, triggers, n);
  why.push(`${because}: ${d.why}`);
  return withChoice({ ...d.result, samples: lap.samples + smc.samples }, why.join("; "), diagnostics, d.check);
}

function withChoice(
  r: LocalEntropyResult,
  reason: string,
  diagnostics: AutoChoice["diagnostics"],
  crossCheck: AutoChoice["crossCheck"],
): LocalEntropyResult {
  return { ...r, auto: { chosen: r.method, estimator: r.estimator, reason, diagnostics, crossCheck } };
}
