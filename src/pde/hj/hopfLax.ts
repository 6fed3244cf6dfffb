/**
 * Exact inviscid solution by the Hopf–Lax formula (docs/theory.md §a.6, b.1):
 *   u(x, t) = min_y { f(y) + |x − y|²/(2t) },   p = ∇u = (x − y*)/t,
 * by brute force over a uniform y-grid followed by local refinement of the best few discrete
 * local minima (so a shock, where two minima tie, picks the true global one):
 *   1-D: with f' given, bisection on g'(y) = f'(y) + (y − x)/t inside the bracketing grid cell
 *        (exact to 1 ulp, also at kinks of f); otherwise golden-section search on g;
 *   2-D: pattern search on a shrinking 3×3 stencil, then Newton on ∇f(y) + (y − x)/t when ∇f is
 *        given (Jacobian by central differences of ∇f).
 * Ties between minimisers go to the smaller y (the leftmost branch).
 */
import { InputError } from "../../errors.ts";
import { linspace } from "../quadrature.ts";
import { positive, positiveInt } from "../../validate.ts";

export interface YGrid {
  min: number;
  max: number;
  /** Number of points (≥ 3). */
  n: number;
}

export interface HopfLax1dResult {
  u: Float64Array;
  /** Minimisers y*. */
  y: Float64Array;
  p: Float64Array;
}

function checkYGrid(g: YGrid, field: string): Float64Array {
  if (!(g.min < g.max) || !Number.isFinite(g.min) || !Number.isFinite(g.max)) {
    throw new InputError(`${field}: expected finite min < max, got ${g.min},${g.max}`);
  }
  positiveInt(g.n, `${field}.n`);
  if (g.n < 3) throw new InputError(`${field}.n: expected at least 3 points, got ${g.n}`);
  return linspace(g.min, g.max, g.n);
}

const INV_PHI = (Math.sqrt(5) - 1) / 2;

function goldenSection(g: (y: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  let c = b - INV_PHI * (b - a);
  let d = a + INV_PHI * (b - a);
  let gc = g(c);
  let gd = g(d);
  for (let it = 0; it < 200 && b - a > 1e-15 * Math.max(1, Math.abs(a)); it++) {
    if (gc <= gd) {
      b = d;
      d = c;
      gd = gc;
      c = b - INV_PHI * (b - a);
      gc = g(c);
    } else {
      a = c;
      c = d;
      gc = gd;
      d = a + INV_PHI * (b - a);
      gd = g(d);
    }
  }
  return gc <= gd ? c : d;
}

/** Root of an increasing function on [lo, hi] with s(lo) ≤ 0 ≤ s(hi), by bisection to 1 ulp. */
function bisect(s: (y: number) => number, lo: number, hi: number): number {
  for (let it = 0; it < 200; it++) {
    const mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    if (s(mid) > 0) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/** Indices of the (up to) k smallest discrete local minima of g[0…m−1]. */
export function bestLocalMinima(g: Float64Array, k: number): number[] {
  const best: number[] = [];
  const m = g.length;
  for (let i = 0; i < m; i++) {
    const v = g[i];
    if ((i > 0 && g[i - 1] < v) || (i + 1 < m && g[i + 1] < v)) continue;
    if (best.length === k && v >= g[best[k - 1]]) continue;
    let pos = best.length === k ? k - 1 : best.length;
    best[pos] = i;
    while (pos > 0 && g[best[pos - 1]] > v) {
      best[pos] = best[pos - 1];
      best[--pos] = i;
    }
  }
  return best;
}

export function hopfLax1d(
  f: (y: number) => number,
  x: ArrayLike<number>,
  t: number,
  opts: { y: YGrid; df?: (y: number) => number; candidates?: number },
): HopfLax1dResult {
  positive(t, "t");
  const ys = checkYGrid(opts.y, "y");
  const m = ys.length;
  const fy = new Float64Array(m);
  for (let k = 0; k < m; k++) fy[k] = f(ys[k]);
  const gk = new Float64Array(m);
  const nx = x.length;
  const out: HopfLax1dResult = { u: new Float64Array(nx), y: new Float64Array(nx), p: new Float64Array(nx) };
  const inv2t = 1 / (2 * t);
  const df = opts.df;
  for (let i = 0; i < nx; i++) {
    const xi = x[i];
    for (let k = 0; k < m; k++) {
      const d = xi - ys[k];
      gk[k] = fy[k] + d * d * inv2t;
    }
    const g = (y: number): number => f(y) + (xi - y) * (xi - y) * inv2t;
    let bestY = NaN;
    let bestU = Infinity;
    for (const k of bestLocalMinima(gk, opts.candidates ?? 3)) {
      const lo = ys[Math.max(k - 1, 0)];
      const hi = ys[Math.min(k + 1, m - 1)];
      let y: number;
      if (df) {
        const s = (v: number): number => df(v) + (v - xi) / t;
        y = s(lo) <= 0 && s(hi) >= 0 ? bisect(s, lo, hi) : goldenSection(g, lo, hi);
      } else {
        y = goldenSection(g, lo, hi);
      }
      let u = g(y);
      if (gk[k] < u) {
        // refinement may not beat the grid point itself (flat or noisy g)
        y = ys[k];
        u = gk[k];
      }
      if (u < bestU || (u === bestU && y < bestY)) {
        bestU = u;
        bestY = y;
      }
    }
    out.u[i] = bestU;
    out.y[i] = bestY;
    out.p[i] = (xi - bestY) / t;
  }
  return out;
}
