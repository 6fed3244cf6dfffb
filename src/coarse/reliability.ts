/**
 * Honest-or-absent error bars (docs/local-entropy.md §reliability). Every estimator computes its
 * nominal errors and a list of failed diagnostics; `certify` keeps the errors only when the list
 * is empty. Otherwise stderr, gradStderr and gradNormStderr become null, the nominal values move
 * to `reliability.nominal` (for diagnosis, never as error bars), and one warning says why.
 */
import type { LocalEntropyResult, Reliability } from "./types.ts";

export type Checks = Reliability["checks"];

/**
 * Relative size of the rounding floor added to every statistical error: exact estimators (a
 * quadratic loss) still report a positive error.
 */
export const ROUNDING = 1e-12;

export type Uncertified = Omit<LocalEntropyResult, "reliability">;

export function certify(r: Uncertified, failures: readonly string[], checks: Checks): LocalEntropyResult {
  if (failures.length === 0) return { ...r, reliability: { certified: true, reason: null, checks, nominal: null } };
  const reason = failures.join("; ");
  return {
    ...r,
    stderr: null,
    gradStderr: null,
    gradNormStderr: null,
    warnings: [...r.warnings, `${r.method}: error bars withdrawn: ${reason}`],
    reliability: {
      certified: false,
      reason,
      checks,
      nominal: { stderr: r.stderr, gradStderr: r.gradStderr, gradNormStderr: r.gradNormStderr },
    },
  };
}

/** Rounding floor of an error of a value of size |v| computed from terms of size `scale`. */
export function roundingFloor(...scales: number[]): number {
  return ROUNDING * Math.max(1, ...scales.map((s) => (Number.isFinite(s) ? Math.abs(s) : 0)));
}
