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
import { spectralDensity } from "../curvature/slq.ts";
import { hessianOperator, restrictedOperator } from "../curvature/operators.ts";
import { lossFn } from "../nn/losses.ts";
import { loadWeights } from "../nn/files.ts";
import type { Tensor } from "../core/tensor.ts";
import { groupOf } from "../nn/registry.ts";
import type { Tree } from "../core/tree.ts";
import { linspace } from "../pde/quadrature.ts";
import { characteristicLines, hjDiagram, type CharacteristicLine, type DiagramRow } from "../pde/diagram.ts";
import { shockTime1d } from "../pde/shockTime.ts";
import { hermiteInterpolant } from "../pde/hermite.ts";
import { sampleModelSlice } from "./slice.ts";
import { residualOrders, type ResidualOrders } from "./orders.ts";
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
  /** HJ/Burgers residual orders of the viscous local entropy of the slice (./orders.ts). */
  orders: ResidualOrders;
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
  for (const th of nodes)
    for (const v of th) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  return [lo, hi];
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
  const sl = sampleModelSlice(prepared, params, { dims: 1, points: o.points ?? 161, samples: n, seed: o.seed, steps });
  const curvature = sl.eigenvalues[0];
  const R = sl.radius;
  const s = Float64Array.from(sl.s);
  const g = Float64Array.from(sl.values);
  const m = s.length;
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
  // viscous check before the shock: β large enough that the Gibbs kernel (width √(t/β)) stays
  // within a tenth of the slice, so the quadrature box does not cut it
  let gmin = Infinity;
  let gmax = -Infinity;
  for (const v of g) {
    gmin = Math.min(gmin, v);
    gmax = Math.max(gmax, v);
  }
  const tOrders = 0.5 * scale;
  const orders = residualOrders(gi, {
    a: -R / 2,
    b: R / 2,
    t: tOrders,
    beta: Math.max((100 * tOrders) / (R * R), 10 / Math.max(gmax - gmin, 1e-12)),
    y: yGrid,
    steps: [R / 20, R / 40, R / 80],
  });
  return {
    samples: n,
    params: sl.params,
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
      orders,
    },
  };
}
