/**
 * Grid driver for the exact HJ solvers: Hopf–Lax (ν = 0) and Cole–Hopf (ν > 0, β = 1/2ν) at the
 * cell centres, with an automatic y-window and resolution:
 *   window: the minimiser obeys |x − y*|² ≤ 2t(f(x) − inf f) and |x − y*| ≤ 2t·Lip(f), so
 *           R = min(√(2t·(max_[a,b] f − min f)), 2t·max|f'|), sampled on a window that is widened
 *           until it contains R; Cole–Hopf adds 10σ, σ = √(t/β) (Gibbs weights beyond are < e^{−40});
 *   spacing: Hopf–Lax Δx/4 (refinement does the rest); Cole–Hopf min(σ, 1/√(β max f''), 2Δx)/4,
 *           which resolves both the heat kernel and e^{−βf} (trapezoid error ~ e^{−2π²·16}).
 */
import { InputError } from "../../errors.ts";
import type { Grid1D } from "../grid.ts";
import { linspace } from "../quadrature.ts";
import { coleHopf1d } from "./coleHopf.ts";
import { hopfLax1d, type YGrid } from "./hopfLax.ts";

export interface ExactHjResult {
  u: Float64Array;
  p: Float64Array;
  yGrid: YGrid;
}

const MAX_POINTS = 400001;

function window(
  f: (y: number) => number,
  grid: Grid1D,
  t: number,
  pad: number,
): { lo: number; hi: number; curv: number } {
  let ext = grid.b - grid.a;
  for (let round = 0; round < 8; round++) {
    const ys = linspace(grid.a - ext, grid.b + ext, 8001);
    const h = ys[1] - ys[0];
    let fmin = Infinity;
    let fmaxIn = -Infinity;
    let lip = 0;
    let curv = 0;
    let prev = f(ys[0]);
    let prevSlope = NaN;
    for (let k = 0; k < ys.length; k++) {
      const v = k === 0 ? prev : f(ys[k]);
      if (!Number.isFinite(v))
        throw new InputError(`ic: the initial data is not finite at y=${ys[k]}`, { field: "ic" });
      fmin = Math.min(fmin, v);
      if (ys[k] >= grid.a && ys[k] <= grid.b) fmaxIn = Math.max(fmaxIn, v);
      if (k > 0) {
        const slope = (v - prev) / h;
        lip = Math.max(lip, Math.abs(slope));
        if (k > 1) curv = Math.max(curv, (slope - prevSlope) / h);
        prevSlope = slope;
      }
      prev = v;
    }
    const R = Math.min(Math.sqrt(2 * t * Math.max(0, fmaxIn - fmin)), 2 * t * lip) + pad;
    if (R <= ext) return { lo: grid.a - R, hi: grid.b + R, curv };
    ext = 2 * R;
  }
  throw new InputError("ic: could not bound the Hopf–Lax minimisers (is the data bounded below up to linear growth?)", {
    field: "ic",
  });
}

export function exactHjOnGrid(
  data: { f: (y: number) => number; df?: (y: number) => number },
  grid: Grid1D,
  t: number,
  nu: number,
): ExactHjResult {
  if (nu === 0) {
    const w = window(data.f, grid, t, 4 * grid.dx);
    const n = Math.min(MAX_POINTS, Math.max(2001, Math.ceil((w.hi - w.lo) / (grid.dx / 4)) + 1));
    const yGrid = { min: w.lo, max: w.hi, n };
    const r = hopfLax1d(data.f, grid.x, t, { y: yGrid, df: data.df });
    return { u: r.u, p: r.p, yGrid };
  }
  const beta = 1 / (2 * nu);
  const sigma = Math.sqrt(t / beta);
  const w = window(data.f, grid, t, 10 * sigma + 2 * grid.dx);
  const widthF = w.curv > 0 ? 1 / Math.sqrt(beta * w.curv) : Infinity;
  const h = Math.min(sigma, widthF, 2 * grid.dx) / 4;
  const n = Math.min(MAX_POINTS, Math.max(2001, Math.ceil((w.hi - w.lo) / h) + 1));
  const yGrid = { min: w.lo, max: w.hi, n };
  const r = coleHopf1d(data.f, grid.x, t, beta, { y: yGrid });
  return { u: r.u, p: r.p, yGrid };
}
