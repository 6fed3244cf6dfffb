/**
 * The cross-check of two independent estimators (docs/local-entropy.md §auto): whether laplace
 * importance sampling and smc agree, and which answer — with or without error bars — auto returns.
 *
 * Agreement: every |z| over u and the coordinates of ∇u (errors combined in quadrature; an
 * estimator whose own diagnostics failed enters with its nominal errors × UNCERTIFIED_INFLATION,
 * so only a gross disagreement counts) is within the two-sided Student-t bound with the smc's
 * replicates − 1 degrees of freedom at AGREE_P/(n + 1), scaled to unit variance (Bonferroni).
 * Decision: disagreement withdraws the error bars (smc's answer is returned: it tempers from the
 * broad kernel, so it is the one that sees modes the other missed); otherwise laplace answers when
 * its diagnostics hold and either smc's hold too or nothing hinted at several modes; else smc when
 * its diagnostics hold; else nothing is certified.
 */
import { studentTQuantile } from "./stats.ts";
import type { AutoChoice, LocalEntropyResult } from "./types.ts";

/** Family-wise probability with which two honest estimators are declared to disagree. */
export const AGREE_P = 0.01;
/** Factor on the nominal errors of an estimator whose own diagnostics failed, in the agreement test. */
export const UNCERTIFIED_INFLATION = 3;

export function crossCheckDecision(
  lap: LocalEntropyResult,
  smc: LocalEntropyResult,
  triggers: readonly string[],
  n: number,
): { result: LocalEntropyResult; why: string; check: NonNullable<AutoChoice["crossCheck"]> } {
  const cmp = compare(lap, smc, n);
  const check = {
    estimator: smc.estimator,
    u: smc.u,
    stderr: smc.stderr,
    maxAbsZ: cmp.maxAbsZ,
    agree: cmp.agree,
    reason: cmp.agree === false ? `max |z| = ${fmt(cmp.maxAbsZ)} > ${fmt(cmp.threshold)}` : null,
  };
  if (cmp.agree === false) {
    const reason = `importance (laplace) and smc disagree: max |z| = ${fmt(cmp.maxAbsZ)} > ${fmt(cmp.threshold)}`;
    return { result: withdraw(smc, reason), why: `cross-checked by smc, which disagrees (${check.reason})`, check };
  }
  const agreement = cmp.agree === null ? "no comparable errors" : `agree, max |z| = ${fmt(cmp.maxAbsZ)}`;
  if (lap.reliability.certified && (smc.reliability.certified || triggers.length === 0)) {
    const note = smc.reliability.certified ? "" : `; smc's own error bars were withdrawn: ${smc.reliability.reason}`;
    return { result: lap, why: `cross-checked by smc (${agreement}${note}); answered by importance (laplace)`, check };
  }
  if (smc.reliability.certified && cmp.agree !== null) {
    return {
      result: smc,
      why: `cross-checked by smc (${agreement}); answered by smc (laplace's diagnostics failed)`,
      check,
    };
  }
  const reason = lap.reliability.certified
    ? `${triggers.join(", ")}, and the smc cross-check is inconclusive (${smc.reliability.reason})`
    : `neither estimator's diagnostics hold (importance (laplace): ${lap.reliability.reason}; ` +
      `smc: ${smc.reliability.reason ?? "no comparable errors"})`;
  return { result: withdraw(smc, reason), why: `cross-checked by smc (${agreement}), ${reason}`, check };
}

/**
 * Largest |z| of the differences of u and of each ∇u coordinate between two estimates (their
 * errors combined in quadrature; an estimator whose error bars were withdrawn enters with its
 * nominal errors times UNCERTIFIED_INFLATION, so only a gross disagreement counts), against the
 * two-sided Student-t bound with the smc's replicates − 1 degrees of freedom at AGREE_P/(n + 1),
 * scaled to unit variance.
 */
export function compare(a: LocalEntropyResult, b: LocalEntropyResult, n: number) {
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

export function withdraw(r: LocalEntropyResult, reason: string): LocalEntropyResult {
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

function fmt(v: number | null): string {
  return v === null ? "n/a" : v.toPrecision(3);
}
