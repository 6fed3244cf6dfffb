/**
 * Shock-time forecast (docs/theory.md §b.2–b.3): characteristics x = y + t∇f(y) first cross at
 *   t* = 1 / sup_y(−λ_min(∇²f(y)))       (t* = +∞ when f is convex),
 * and the first shock is born at x₀ = y₀ + t*∇f(y₀), y₀ the maximiser of −λ_min.
 * The supremum is taken over samples on a user box (a uniform grid), refined by golden-section (1-D)
 * or a shrinking compass search (n-D) around the best sample. The forecast is only as good as the
 * box: curvature outside it is not seen.
 */
import { InputError } from "../errors.ts";
import { lambdaMin, type Matrix } from "./linalg.ts";
import { linspace } from "./quadrature.ts";

export interface ShockForecast {
  tStar: number;
  /** Where −λ_min(∇²f) peaks (NaN when f is convex on the box). */
  y0: number[];
  /** Birth point y₀ + t*∇f(y₀) (NaN without a gradient or for convex f). */
  x0: number[];
  /** sup(−λ_min). */
  curvature: number;
}

const INV_PHI = (Math.sqrt(5) - 1) / 2;

/** 1-D: f'' sampled on [min, max] with n points; f' (optional) gives the birth point. */
export function shockTime1d(
  d2f: (y: number) => number,
  box: { min: number; max: number; n: number },
  df?: (y: number) => number,
): ShockForecast {
  if (!(box.min < box.max) || !Number.isInteger(box.n) || box.n < 3)
    throw new InputError("box: expected min < max and n >= 3", { field: "box" });
  const ys = linspace(box.min, box.max, box.n);
  let k = 0;
  for (let i = 1; i < ys.length; i++) if (-d2f(ys[i]) > -d2f(ys[k])) k = i;
  // golden-section on −f'' in the neighbouring cells
  let a = ys[Math.max(k - 1, 0)];
  let b = ys[Math.min(k + 1, ys.length - 1)];
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  for (let it = 0; it < 200 && b - a > 1e-15 * Math.max(1, Math.abs(a)); it++) {
    if (-d2f(c) >= -d2f(d)) {
      b = d;
      d = c;
      c = b - INV_PHI * (b - a);
    } else {
      a = c;
      c = d;
      d = a + INV_PHI * (b - a);
    }
  }
  let y0 = 0.5 * (a + b);
  if (-d2f(ys[k]) > -d2f(y0)) y0 = ys[k];
  const curvature = -d2f(y0);
  if (!(curvature > 0)) return { tStar: Infinity, y0: [NaN], x0: [NaN], curvature };
  const tStar = 1 / curvature;
  return { tStar, y0: [y0], x0: [df ? y0 + tStar * df(y0) : NaN], curvature };
}

/**
 * n-D: Hessian sampled on the tensor grid of `box` (n points per axis), λ_min by Jacobi.
 * `grad` (optional) gives the birth point.
 */
export function shockTimeNd(
  hessian: (y: number[]) => Matrix,
  box: ReadonlyArray<{ min: number; max: number; n: number }>,
  grad?: (y: number[]) => number[],
): ShockForecast {
  const dim = box.length;
  if (dim < 1) throw new InputError("box: expected at least one axis", { field: "box" });
  const axes = box.map((b, i) => {
    if (!(b.min < b.max) || !Number.isInteger(b.n) || b.n < 2)
      throw new InputError(`box[${i}]: expected min < max and n >= 2`);
    return linspace(b.min, b.max, b.n);
  });
  const score = (y: number[]): number => -lambdaMin(hessian(y));
  let best: number[] = axes.map((a) => a[0]);
  let bestS = -Infinity;
  const idx = new Array(dim).fill(0);
  for (;;) {
    const y = idx.map((k, d) => axes[d][k]);
    const s = score(y);
    if (s > bestS) {
      bestS = s;
      best = y;
    }
    let d = 0;
    while (d < dim && ++idx[d] === axes[d].length) idx[d++] = 0;
    if (d === dim) break;
  }
  // compass search refinement
  const step = axes.map((a) => a[1] - a[0]);
  for (let it = 0; it < 200 && Math.max(...step) > 1e-12; it++) {
    let improved = false;
    for (let d = 0; d < dim && !improved; d++) {
      for (const sgn of [1, -1]) {
        const y = best.slice();
        y[d] += sgn * step[d];
        if (y[d] < box[d].min || y[d] > box[d].max) continue;
        const s = score(y);
        if (s > bestS) {
          bestS = s;
          best = y;
          improved = true;
          break;
        }
      }
    }
    if (!improved) for (let d = 0; d < dim; d++) step[d] *= 0.5;
  }
  if (!(bestS > 0)) return { tStar: Infinity, y0: best.map(() => NaN), x0: best.map(() => NaN), curvature: bestS };
  const tStar = 1 / bestS;
  const g = grad?.(best);
  return { tStar, y0: best, x0: g ? best.map((v, d) => v + tStar * g[d]) : best.map(() => NaN), curvature: bestS };
}
