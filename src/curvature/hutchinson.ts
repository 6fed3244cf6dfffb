/**
 * Hutchinson's stochastic trace estimator: tr(A) = E[zᵀ A z] for Rademacher z (E[z zᵀ] = I).
 * With a projector P the estimate is of tr(P A P), the trace of A restricted to range(P) — for the
 * Hessian and the horizontal projector, the trace of the quotient Hessian. The variance for
 * Rademacher probes is 2 Σ_{i≠j} A_ij², so a diagonal operator is estimated exactly.
 */
import { type Key, split, uniformArray } from "../core/random.ts";
import type { LinearOperator, Projector } from "./lanczos.ts";

/** n independent ±1 entries from `key`. */
export function rademacher(key: Key, n: number): Float64Array {
  const u = uniformArray(key, n);
  for (let i = 0; i < n; i++) u[i] = u[i] < 0.5 ? -1 : 1;
  return u;
}

export interface TraceEstimate {
  estimate: number;
  /** Standard error of the mean over the probes (0 for one probe). */
  stderr: number;
  samples: number[];
}

export function hutchinsonTrace(
  op: LinearOperator,
  opts: { samples?: number; key: Key; project?: Projector },
): TraceEstimate {
  const ns = opts.samples ?? 10;
  if (!(ns >= 1)) throw new Error(`hutchinsonTrace: samples must be ≥ 1, got ${ns}`);
  const samples = split(opts.key, ns).map((k) => {
    let z = rademacher(k, op.n);
    if (opts.project) z = opts.project(z);
    let Az = op.apply(z);
    if (opts.project) Az = opts.project(Az);
    let s = 0;
    for (let i = 0; i < z.length; i++) s += z[i] * Az[i];
    return s;
  });
  const mean = samples.reduce((a, b) => a + b, 0) / ns;
  const variance = ns > 1 ? samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (ns - 1) : 0;
  return { estimate: mean, stderr: Math.sqrt(variance / ns), samples };
}
