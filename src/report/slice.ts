/**
 * A 1-D or 2-D slice of a trained network's loss: g(s) = L(θ + Σᵢ sᵢ dᵢ) along the Hessian's
 * lowest eigen-directions dᵢ (the shock-forming ones; Lanczos on held-out data), sampled on a
 * uniform grid s ∈ [−R, R]^k with R = 1/√|λ_min| clamped to [0.5, 20] — where the quadratic model
 * changes the loss by ½. The report draws its x–t diagram; the Explore page coarse-grains it live.
 */
import { key } from "../core/random.ts";
import * as F from "../core/ops/index.ts";
import { modelObjective } from "../coarse/objective.ts";
import { hessianDirections } from "../coarse/slice.ts";
import { InputError } from "../errors.ts";
import { linspace } from "../pde/quadrature.ts";
import { type Tree, ravel } from "../core/tree.ts";
import type { PreparedRun } from "../train/setup.ts";

export interface ModelSlice {
  dims: 1 | 2;
  /** Grid coordinates (the same on every axis). */
  s: number[];
  /** g on the grid: m values (1-D) or m×m row-major, index i·m + j ↔ (s_i, s_j) (2-D). */
  values: number[];
  /** Hessian eigenvalues along the directions (ascending). */
  eigenvalues: number[];
  radius: number;
  samples: number;
  params: number;
}

export function sampleModelSlice(
  prepared: PreparedRun,
  params: Tree,
  o: { dims: 1 | 2; points: number; samples?: number; seed?: number; steps?: number },
): ModelSlice {
  if (o.dims !== 1 && o.dims !== 2) throw new InputError(`dims: expected 1 or 2, got ${o.dims}`);
  const { x, y } = prepared.task.test;
  const n = Math.min(o.samples ?? 500, x.shape[0]);
  const obj = modelObjective(prepared.model, params, F.slice(x, [0], [n]), F.slice(y, [0], [n]), prepared.loss);
  const theta = ravel(params);
  const dir = hessianDirections(obj, theta, o.dims, { key: key(o.seed ?? 0), which: "smallest", steps: o.steps ?? 24 });
  const radius = Math.min(20, Math.max(0.5, 1 / Math.sqrt(Math.abs(dir.eigenvalues[0]) || 1)));
  const s = Array.from(linspace(-radius, radius, o.points));
  const at = (c: number[]): number => {
    const p = Float64Array.from(theta);
    c.forEach((ci, k) => {
      const d = dir.directions[k];
      for (let i = 0; i < p.length; i++) p[i] += ci * d[i];
    });
    return obj.value(p);
  };
  const values = o.dims === 1 ? s.map((si) => at([si])) : s.flatMap((si) => s.map((sj) => at([si, sj])));
  return { dims: o.dims, s, values, eigenvalues: dir.eigenvalues, radius, samples: n, params: theta.length };
}
