/**
 * What a report computes from a trained network (its final weights and held-out data):
 *
 *   - Hessian spectra by stochastic Lanczos quadrature: raw ∇²L at θ, and quotient (horizontal)
 *     P ∇²L P at the canonical representative θ_c (P the horizontal projector of the symmetry group);
 *   - the verification slice: g(s) = L(θ + s d) along the Hessian's lowest eigen-direction d (the
 *     shock-forming one), sampled on s ∈ [−R, R] with R = 1/√|λ_min| clamped to [0.5, 20] (where the
 *     quadratic model changes the loss by ½), and its x–t diagram (pde/diagram.ts): u and p = u_x by
 *     Hopf–Lax for several t, the shocks, the characteristics, and the forecast t* = 1/sup(−g'').
 */
import { key } from "../core/random.ts";
import * as F from "../core/ops/index.ts";
import { modelObjective } from "../coarse/objective.ts";
import { hessianDirections } from "../coarse/slice.ts";
import { spectralDensity } from "../curvature/slq.ts";
import { hessianOperator, restrictedOperator } from "../curvature/operators.ts";
import { lossFn } from "../nn/losses.ts";
import { loadWeights } from "../nn/files.ts";
import type { Tensor } from "../core/tensor.ts";
import { groupOf } from "../symmetry/index.ts";
import { type Tree, ravel } from "../tree/tree.ts";
import { linspace } from "../pde/quadrature.ts";
import { characteristicLines, hjDiagram, type CharacteristicLine, type DiagramRow } from "../pde/diagram.ts";
import { shockTime1d } from "../pde/shockTime.ts";
import type { PreparedRun } from "../train/setup.ts";

export interface SpectrumData {
  grid: Float64Array;
  raw: Float64Array;
  quotient: Float64Array;
  /** Gaussian broadening σ. */
  sigma: number;
  /** Extreme Ritz values seen by the probes. */
  rawRange: [number, number];
  quotientRange: [number, number];
}

export interface SliceData {
  /** Curvature of the loss along the slice direction (the Hessian's λ_min). */
  curvature: number;
  s: Float64Array;
  g: Float64Array;
  tStar: number;
  times: number[];
  /** Evaluation points of `rows` (the inner half of the slice grid). */
  x: Float64Array;
  /** u, p, shocks at `times` on `x`. */
  rows: DiagramRow[];
  /** Dense time grid of the x–t diagram. */
  xt: { x: Float64Array; rows: DiagramRow[] };
  characteristics: CharacteristicLine[];
}

export interface NetworkAnalysis {
  samples: number;
  params: number;
  group: { name: string; dim: number };
  spectrum: SpectrumData;
  slice: SliceData;
}

export interface AnalysisOptions {
  samples?: number;
  seed?: number;
  /** Lanczos steps (spectra and the slice direction). */
  steps?: number;
  /** Points of the slice grid. */
  points?: number;
}

function range(nodes: Float64Array[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const th of nodes) for (const v of th) ((lo = Math.min(lo, v)), (hi = Math.max(hi, v)));
  return [lo, hi];
}

/**
 * C¹ cubic Hermite interpolation of samples on a uniform grid with central-difference slopes
 * (Catmull–Rom), and its exact first and second derivatives. C¹ matters: a merely continuous
 * (piecewise-linear) loss has concave kinks, and each one is a shock from t = 0⁺.
 */
export function hermiteInterpolant(s: Float64Array, g: Float64Array) {
  const m = s.length;
  const h = s[1] - s[0];
  const slope = Float64Array.from(g, (_, i) =>
    i === 0 ? (g[1] - g[0]) / h : i === m - 1 ? (g[m - 1] - g[m - 2]) / h : (g[i + 1] - g[i - 1]) / (2 * h),
  );
  const cell = (y: number): [number, number] => {
    const u = (y - s[0]) / h;
    const i = Math.min(Math.max(Math.floor(u), 0), m - 2);
    return [i, u - i];
  };
  // Hermite basis on [0, 1]: h00 = 2τ³ − 3τ² + 1, h10 = τ³ − 2τ² + τ, h01 = −2τ³ + 3τ², h11 = τ³ − τ²
  const f = (y: number): number => {
    const [i, t] = cell(y);
    const t2 = t * t;
    const t3 = t2 * t;
    return (
      (2 * t3 - 3 * t2 + 1) * g[i] +
      (t3 - 2 * t2 + t) * h * slope[i] +
      (-2 * t3 + 3 * t2) * g[i + 1] +
      (t3 - t2) * h * slope[i + 1]
    );
  };
  const df = (y: number): number => {
    const [i, t] = cell(y);
    const t2 = t * t;
    return (
      ((6 * t2 - 6 * t) * g[i] +
        (3 * t2 - 4 * t + 1) * h * slope[i] +
        (-6 * t2 + 6 * t) * g[i + 1] +
        (3 * t2 - 2 * t) * h * slope[i + 1]) /
      h
    );
  };
  const d2f = (y: number): number => {
    const [i, t] = cell(y);
    return (
      ((12 * t - 6) * g[i] + (6 * t - 4) * h * slope[i] + (-12 * t + 6) * g[i + 1] + (6 * t - 2) * h * slope[i + 1]) /
      (h * h)
    );
  };
  return { f, df, d2f };
}

export function analyzeNetwork(prepared: PreparedRun, weightsPath: string, o: AnalysisOptions = {}): NetworkAnalysis {
  const cfg = prepared.config.model;
  const params = loadWeights(weightsPath, prepared.model);
  const { x, y } = prepared.task.test;
  const n = Math.min(o.samples ?? 500, x.shape[0]);
  const xs = F.slice(x, [0], [n]);
  const ys = F.slice(y, [0], [n]);
  const L = lossFn(prepared.loss);
  const f = (p: Tree): Tensor => L(prepared.model.apply(p, xs), ys);
  const steps = o.steps ?? 24;
  const k = key(o.seed ?? 0);

  // spectra: raw at θ, horizontal at the canonical representative
  const group = groupOf(cfg);
  const canonical = group.canonicalForm(params).params;
  const rawOp = hessianOperator(f, params);
  const qOp = restrictedOperator(hessianOperator(f, canonical), group.horizontalProjector(canonical).projectFlat);
  const rawD = spectralDensity(rawOp, { samples: 2, steps, key: k });
  const qD = spectralDensity(qOp, { samples: 2, steps, key: k });
  const rawRange = range(rawD.nodes);
  const quotientRange = range(qD.nodes);
  const lo = Math.min(rawRange[0], quotientRange[0]);
  const hi = Math.max(rawRange[1], quotientRange[1]);
  const pad = 0.05 * (hi - lo || 1);
  const grid = linspace(lo - pad, hi + pad, 400);
  const sigma = (hi - lo || 1) / 150;

  // the slice along the lowest eigen-direction
  const obj = modelObjective(prepared.model, params, xs, ys, prepared.loss);
  const theta = ravel(params);
  const dir = hessianDirections(obj, theta, 1, { key: k, which: "smallest", steps });
  const curvature = dir.eigenvalues[0];
  const R = Math.min(20, Math.max(0.5, 1 / Math.sqrt(Math.abs(curvature) || 1)));
  const m = o.points ?? 161;
  const s = linspace(-R, R, m);
  const d = dir.directions[0];
  const g = Float64Array.from(s, (si) => {
    const p = Float64Array.from(theta, (v, i) => v + si * d[i]);
    return obj.value(p);
  });
  const { f: gi, df: d1, d2f: d2 } = hermiteInterpolant(s, g);
  const forecast = shockTime1d(d2, { min: s[1], max: s[m - 2], n: m - 2 }, d1);
  // times relative to the forecast (or to the curvature scale of a convex slice)
  const scale = Number.isFinite(forecast.tStar) ? forecast.tStar : 1 / Math.max(Math.abs(curvature), 1e-6);
  const times = [0.25, 0.75, 1.25, 2, 3].map((c) => c * scale);
  const yGrid = { min: -R, max: R, n: 4 * m - 3 };
  const xEval = linspace(-R / 2, R / 2, 201);
  const rows = hjDiagram(gi, { x: xEval, times, y: yGrid, df: d1 });
  const tDense = Array.from({ length: 60 }, (_, i) => ((i + 1) / 60) * 3 * scale);
  const xDense = linspace(-R / 2, R / 2, 121);
  const xtRows = hjDiagram(gi, { x: xDense, times: tDense, y: yGrid, df: d1 });
  const feet = Array.from(linspace(-R / 2, R / 2, 17));
  const characteristics = characteristicLines(gi, d1, feet, tDense, { y: yGrid });
  return {
    samples: n,
    params: theta.length,
    group: { name: group.name, dim: group.dim },
    spectrum: {
      grid,
      raw: rawD.density(grid, sigma),
      quotient: qD.density(grid, sigma),
      sigma,
      rawRange,
      quotientRange,
    },
    slice: {
      curvature,
      s,
      g,
      tStar: forecast.tStar,
      times,
      x: xEval,
      rows,
      xt: { x: xDense, rows: xtRows },
      characteristics,
    },
  };
}
