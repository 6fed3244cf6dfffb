/**
 * Observed order of convergence: the least-squares slope of log(err) against log(h),
 *   order = Σ(Xᵢ − X̄)(Yᵢ − Ȳ) / Σ(Xᵢ − X̄)²,  X = log h, Y = log err,
 * plus the pairwise orders log(e_k/e_{k+1})/log(h_k/h_{k+1}) and the usual grid norms.
 */
import { InputError } from "../errors.ts";

export function observedOrder(h: readonly number[], err: readonly number[]): number {
  if (h.length !== err.length || h.length < 2)
    throw new InputError("observedOrder: expected >= 2 (h, err) pairs of equal length");
  const X = h.map(Math.log);
  const Y = err.map(Math.log);
  const mx = X.reduce((s, v) => s + v, 0) / X.length;
  const my = Y.reduce((s, v) => s + v, 0) / Y.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < X.length; i++) {
    sxy += (X[i] - mx) * (Y[i] - my);
    sxx += (X[i] - mx) ** 2;
  }
  return sxy / sxx;
}

export function pairwiseOrders(h: readonly number[], err: readonly number[]): number[] {
  const out: number[] = [];
  for (let k = 0; k + 1 < h.length; k++) out.push(Math.log(err[k] / err[k + 1]) / Math.log(h[k] / h[k + 1]));
  return out;
}

export interface ErrorNorms {
  l1: number;
  l2: number;
  linf: number;
}

/** Grid norms of a − b with cell size dx: L1 = Δx Σ|e|, L2 = √(Δx Σe²), L∞ = max|e|. */
export function errorNorms(a: ArrayLike<number>, b: ArrayLike<number>, dx: number): ErrorNorms {
  let l1 = 0;
  let l2 = 0;
  let linf = 0;
  for (let i = 0; i < a.length; i++) {
    const e = Math.abs(a[i] - b[i]);
    l1 += e;
    l2 += e * e;
    if (e > linf) linf = e;
  }
  return { l1: l1 * dx, l2: Math.sqrt(l2 * dx), linf };
}
