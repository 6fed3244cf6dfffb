/**
 * Finite-difference oracles for derivatives, used by the tests and available to users who add
 * their own ops or losses. Directional checks compare ⟨∇f, d⟩ with the central difference
 * (f(x + εd) − f(x − εd))/(2ε) along random directions d, which tests every coordinate at once.
 */
import { Tensor } from "./tensor.ts";
import { type Key, normal, split } from "./random.ts";
import { valueAndGrad, hvp } from "./autodiff.ts";
import { noGrad } from "./tape.ts";
import { type Tree, leaves, treeDot, treeNorm, zipTrees, unflatten } from "./tree.ts";

export interface CheckResult {
  /**
   * Largest |analytic − numeric| / max(|analytic|, |numeric|, ‖g‖‖d‖·scale) over the trials: a
   * directional derivative that happens to be near zero (d almost ⟂ g) is judged against the size
   * the derivative could have had, not against itself — otherwise rounding in the difference
   * quotient would fail a correct VJP.
   */
  maxRelError: number;
  trials: { analytic: number; numeric: number }[];
}

function randomDirection<T extends Tree>(k: Key, like: T): T {
  const ls = leaves(like);
  const ks = split(k, ls.length);
  return unflatten(
    like,
    ls.map((t, i) => normal(ks[i], t.shape)),
  );
}

function axpy<T extends Tree>(x: T, a: number, d: T): T {
  return zipTrees([x, d], ([u, v]) => {
    const out = new Float64Array(u.size);
    for (let i = 0; i < out.length; i++) out[i] = u.data[i] + a * v.data[i];
    return new Tensor(out, u.shape);
  });
}

// Below this, a derivative is zero to the accuracy of a difference quotient (constant functions).
const ABSOLUTE_FLOOR = 1e-8;

function relError(a: number, b: number, scale: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), scale, ABSOLUTE_FLOOR);
}

export interface CheckOptions {
  /** Step of the central difference (default 1e-5). */
  eps?: number;
  trials?: number;
  /** Relative floor of the error's denominator, as a fraction of the derivative's size (default 1e-3). */
  scale?: number;
}

/** A derivative check of f at params along random directions drawn from k. */
export type DerivativeCheck = <T extends Tree>(
  f: (p: T) => Tensor,
  params: T,
  k: Key,
  opts?: CheckOptions,
) => CheckResult;

/** Records one trial and keeps the largest relative error (floored at scale·size). */
function record(res: CheckResult, analytic: number, numeric: number, size: number, opts: CheckOptions): void {
  res.trials.push({ analytic, numeric });
  res.maxRelError = Math.max(res.maxRelError, relError(analytic, numeric, size * (opts.scale ?? 1e-3)));
}

/** Checks ∇f against central differences of f along `trials` random directions. */
export const checkGrad: DerivativeCheck = (f, params, k, opts = {}) => {
  const eps = opts.eps ?? 1e-5;
  const { grad } = valueAndGrad(f)(params);
  const res: CheckResult = { maxRelError: 0, trials: [] };
  for (const kd of split(k, opts.trials ?? 3)) {
    const d = randomDirection(kd, params);
    const analytic = treeDot(grad, d);
    const numeric = noGrad(() => (f(axpy(params, eps, d)).item() - f(axpy(params, -eps, d)).item()) / (2 * eps));
    record(res, analytic, numeric, treeNorm(grad) * treeNorm(d), opts);
  }
  return res;
};

/** Checks H·v (exact, reverse-over-reverse) against central differences of ∇f along v. */
export const checkHvp: DerivativeCheck = (f, params, k, opts = {}) => {
  const eps = opts.eps ?? 1e-5;
  const res: CheckResult = { maxRelError: 0, trials: [] };
  const vg = valueAndGrad(f);
  for (const kd of split(k, opts.trials ?? 2)) {
    const [kv, kw] = split(kd, 2);
    const v = randomDirection(kv, params);
    const w = randomDirection(kw, params); // compare the projection ⟨w, Hv⟩
    const hv = hvp(f)(params, v).hvp;
    const analytic = treeDot(hv, w);
    const gp = vg(axpy(params, eps, v)).grad;
    const gm = vg(axpy(params, -eps, v)).grad;
    const numeric = (treeDot(gp, w) - treeDot(gm, w)) / (2 * eps);
    // A zero Hessian (linear f) is judged against the gradient's size: the difference quotient of
    // ∇f carries rounding of order u·‖∇f‖/ε, which is all a correct zero HVP can be off by.
    record(res, analytic, numeric, Math.max(treeNorm(hv), treeNorm(gp)) * treeNorm(w), opts);
  }
  return res;
};

/** The dense Hessian (n×n, row-major) of a small problem, column by column from exact HVPs. */
export function denseHessian<T extends Tree>(f: (p: T) => Tensor, params: T): { n: number; H: Float64Array } {
  const ls = leaves(params);
  const n = ls.reduce((s, t) => s + t.size, 0);
  const H = new Float64Array(n * n);
  const basis = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    basis.fill(0);
    basis[j] = 1;
    let off = 0;
    const e = unflatten(
      params,
      ls.map((t) => {
        const view = new Tensor(basis.slice(off, off + t.size), t.shape);
        off += t.size;
        return view;
      }),
    );
    const col = leaves(hvp(f)(params, e).hvp);
    let i = 0;
    for (const c of col) for (const v of c.data) H[i++ * n + j] = v;
  }
  return { n, H };
}
