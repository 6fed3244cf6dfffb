/**
 * Raw versus quotient observables of a network (docs/theory.md §d.0, d.9; docs/symmetry.md §observables).
 * Every observable declares its kind:
 * - raw: a function of the parameters θ as stored — moved by the symmetry group (gradients and
 *   Hessians transform under rescaling and GL, so even their norms and spectra are gauge-dependent);
 * - quotient: a function of the orbit G·θ alone — computed from closed-form invariants, or as a raw
 *   quantity evaluated at the canonical (balanced, orbit-norm-minimal) representative θ_c — so it is
 *   unchanged by every group element.
 * The Noether charges are reported on their own: conserved by gradient flow, moved by the group.
 * `observe` returns the object `shocklens quotient --json` prints; a training monitor can call it
 * every N steps (Hessian spectra are opt-in, they cost one HVP per Lanczos step).
 */
import type { Tensor } from "../core/tensor.ts";
import { key } from "../core/random.ts";
import { type Tree, namedLeaves, treeNorm } from "../core/tree.ts";
import { groupOf, modelOf, lossFn, type ModelConfig, type LossName } from "../nn/index.ts";
import type { SymmetryGroup, CanonicalForm, ComponentInfo } from "../symmetry/index.ts";
import { svd } from "../linalg/dense.ts";
import { type Context, type Value, makeContext, l2 } from "./context.ts";
import { measureBreaking, type BreakingReport } from "./breaking.ts";

export type ObservableKind = "raw" | "quotient";
export type { Value } from "./context.ts";

export interface ObservableSpec {
  name: string;
  kind: ObservableKind;
  /** What it needs beyond θ: data (x, y, loss) or, in addition, Hessian-vector products. */
  needs: "params" | "data" | "hessian";
  description: string;
  compute(ctx: Context): Value;
}

function norms(params: Tree): Record<string, number> {
  return Object.fromEntries(namedLeaves(params).map(([n, t]) => [n, l2(t.data)]));
}

/** Σ_h ‖M_h‖_* over the leading axis of a [H, p, q] stack of matrices. */
function nuclearSum(t: Tensor): number {
  const [H, p, q] = t.shape;
  let s = 0;
  for (let h = 0; h < H; h++) s += svd(t.data.subarray(h * p * q, (h + 1) * p * q), p, q).S.reduce((a, b) => a + b, 0);
  return s;
}

/** The registry: every observable `observe` reports, with its declared kind. */
export const OBSERVABLES: readonly ObservableSpec[] = [
  { name: "paramNorm", kind: "raw", needs: "params", description: "‖θ‖", compute: (c) => treeNorm(c.params) },
  { name: "paramSqNorm", kind: "raw", needs: "params", description: "‖θ‖²", compute: (c) => treeNorm(c.params) ** 2 },
  {
    name: "layerNorms",
    kind: "raw",
    needs: "params",
    description: "‖θ_leaf‖ per parameter tensor",
    compute: (c) => norms(c.params),
  },
  { name: "gradNorm", kind: "raw", needs: "data", description: "‖∇L(θ)‖", compute: (c) => treeNorm(c.grad(c.params)) },
  {
    name: "hessian",
    kind: "raw",
    needs: "hessian",
    description: "λ_max, λ_min of ∇²L(θ) (Lanczos); its negative directions along orbits make it useless for t*",
    compute: (c) => c.rawHessian(),
  },
  { name: "loss", kind: "quotient", needs: "data", description: "L(θ), constant on orbits", compute: (c) => c.loss() },
  {
    name: "orbitMinSqNorm",
    kind: "quotient",
    needs: "params",
    description: "min over the orbit of ‖θ‖² = ‖θ_c‖²",
    compute: (c) => treeNorm(c.canonical().params) ** 2,
  },
  {
    name: "canonicalLayerNorms",
    kind: "quotient",
    needs: "params",
    description: "‖θ_leaf‖ per tensor at the canonical representative",
    compute: (c) => norms(c.canonical().params),
  },
  {
    name: "balancedNorms",
    kind: "quotient",
    needs: "params",
    description: "2 Σ_j ‖in_j‖‖out_j‖ per rescaling component at θ_c (for a two-layer net 2 Σ_j |a_j| ‖(w_j, b_j)‖)",
    compute: (c) => c.balancedNorms(),
  },
  {
    name: "nuclearNorms",
    kind: "quotient",
    needs: "params",
    description: "2‖XᵀY‖_* per GL pair at θ_c (2‖W_Q W_Kᵀ‖_*, 2‖W_V W_O‖_* per head)",
    compute: (c) => c.nuclearNorms(),
  },
  {
    name: "invariantNorms",
    kind: "quotient",
    needs: "params",
    description: "Frobenius norms of the closed-form invariants, and Σ_h ‖·‖_* of the per-head W_QK, W_VO",
    compute: (c) => {
      const out: Record<string, number> = {};
      for (const [name, t] of Object.entries(c.invariants())) {
        out[`${name}.frobenius`] = l2(t.data);
        // Σ_h ‖W_QK^h‖_* and Σ_h ‖W_VO^h‖_* (the per-unit products are rank one: nuclear = Frobenius).
        if (/\.(qk|vo)\.product$/.test(name)) out[`${name}.nuclear`] = nuclearSum(t);
      }
      return out;
    },
  },
  {
    name: "horizontalGradNorm",
    kind: "quotient",
    needs: "data",
    description: "‖P_H ∇L(θ_c)‖ at the canonical representative",
    compute: (c) => c.horizontalGradNorm(),
  },
  {
    name: "quotientHessian",
    kind: "quotient",
    needs: "hessian",
    description: "λ_max, λ_min of P_H ∇²L P_H on the horizontal space at θ_c (Lanczos)",
    compute: (c) => c.quotientHessian(),
  },
  {
    name: "tStar",
    kind: "quotient",
    needs: "hessian",
    description: "shock-time forecast t* = 1/max(0, −λ_min) of the quotient Hessian (∞ when λ_min ≥ 0)",
    compute: (c) => tStar(c.quotientHessian().lambdaMin),
  },
];

/** t* = 1/max(0, −λ_min); ∞ for a locally convex quotient (docs/theory.md §e.1 step 4). */
export function tStar(lambdaMin: number): number {
  return lambdaMin < 0 ? -1 / lambdaMin : Infinity;
}

export interface ObserveOptions {
  /** Data for the loss, gradient and Hessian observables (all three or none; loss defaults to mse). */
  x?: Tensor;
  y?: Tensor;
  loss?: LossName;
  /**
   * Hessian spectra by Lanczos (raw at θ, quotient at θ_c): off by default; `true` or {steps, seed,
   * onHvp} — min(steps, n) Hessian-vector products each, `onHvp` called after every one.
   */
  hessian?: boolean | { steps?: number; seed?: number; onHvp?: () => void };
  /** Measure the broken (ε-dependent) symmetries when data is given (default true). */
  breaking?: boolean;
  /** Reuse a group (default groupOf(cfg)). */
  group?: SymmetryGroup;
}

type Nested = number | Nested[];

/** A row-major array as nested arrays of the given shape (what a JSON reader expects). */
function nested(data: ArrayLike<number>, shape: readonly number[], offset = 0): Nested {
  if (shape.length === 0) return data[offset];
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => nested(data, shape.slice(1), offset + i * inner));
}

export interface ObserveResult {
  group: { name: string; dim: number; description: string; components: ComponentInfo[] };
  observables: { raw: Record<string, Value>; quotient: Record<string, Value> };
  /** Noether charges per component (nested arrays), and their largest magnitude. */
  charges: Record<string, Nested>;
  chargeMax: Record<string, number>;
  canonical: { sweeps: number; imbalance: number };
  loss?: number;
  lossFunction?: LossName;
  tStar?: number;
  symmetryBreaking?: Record<string, BreakingReport>;
  kinds: Record<string, ObservableKind>;
}

/** Raw and quotient observables, charges and (with data) symmetry breaking of a network at θ. */
export function observe(cfg: ModelConfig, params: Tree, opts: ObserveOptions = {}): ObserveResult {
  const group = opts.group ?? groupOf(cfg);
  for (const [name, t] of namedLeaves(params)) {
    const bad = t.data.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`observe: parameter ${name} holds ${t.data[bad]} at flat index ${bad}`);
  }
  const hasData = opts.x !== undefined && opts.y !== undefined;
  const lossName: LossName | undefined = hasData ? (opts.loss ?? "mse") : undefined;
  let f: ((p: Tree) => Tensor) | undefined;
  if (hasData) {
    const model = modelOf(cfg);
    const L = lossFn(lossName as LossName);
    const x = opts.x as Tensor,
      y = opts.y as Tensor;
    f = (p: Tree) => L(model.apply(p, x), y);
  }
  const h = opts.hessian === true ? {} : opts.hessian || undefined;
  const ctx = makeContext({
    group,
    params,
    f,
    hessian: h ? { steps: h.steps, key: key(h.seed ?? 0), onHvp: h.onHvp } : undefined,
  });
  const raw: Record<string, Value> = {};
  const quotient: Record<string, Value> = {};
  const kinds: Record<string, ObservableKind> = {};
  for (const o of OBSERVABLES) {
    if (o.needs !== "params" && !f) continue;
    if (o.needs === "hessian" && !h) continue;
    (o.kind === "raw" ? raw : quotient)[o.name] = o.compute(ctx);
    kinds[o.name] = o.kind;
  }
  const charges: Record<string, Nested> = {};
  const chargeMax: Record<string, number> = {};
  for (const [name, t] of Object.entries(group.charges(params))) {
    charges[name] = nested(t.data, t.shape);
    chargeMax[name] = t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  }
  const cf: CanonicalForm = ctx.canonical();
  const result: ObserveResult = {
    group: { name: group.name, dim: group.dim, description: group.description, components: [...group.components] },
    observables: { raw, quotient },
    charges,
    chargeMax,
    canonical: { sweeps: cf.sweeps, imbalance: cf.imbalance },
    kinds,
  };
  if (f) {
    result.loss = ctx.loss();
    result.lossFunction = lossName;
    if (typeof quotient.tStar === "number") result.tStar = quotient.tStar;
    if ((opts.breaking ?? true) && group.broken.length) result.symmetryBreaking = measureBreaking(group, params, f);
  }
  return result;
}

/** Flat [name, value] pairs of an observable map (nested records joined with "."), for comparisons. */
export function flattenValues(values: Record<string, Value>): [string, number][] {
  const out: [string, number][] = [];
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === "number") out.push([k, v]);
    else for (const [k2, v2] of Object.entries(v)) out.push([`${k}.${k2}`, v2]);
  }
  return out;
}
