/**
 * The observables the training monitor records (docs/monitor.md §observables): one registry, each
 * entry declaring its kind — raw (moved by the symmetry group), quotient (a function of the orbit
 * alone) or charge (a Noether charge: conserved by gradient flow, moved by the group) — what it
 * needs, and whether it is positive (the detectors then read its log). Stored as scalars
 * `monitor/<kind>/<name>`. A new observable (e.g. a gradient-field summary) is one more entry.
 * `ObservableProbe` (probe.ts) measures them.
 */
import { treeNorm } from "../core/tree.ts";
import type { Context } from "../diagnostics/context.ts";

export type MonitorKind = "raw" | "quotient" | "charge";

export interface ProbeContext {
  diag: Context;
  /** The step's learning rate (for sharpness × η/2). */
  lr: number;
  raw(): SpectrumEstimate;
  quotient(): SpectrumEstimate;
  rawTrace(): number;
  quotientTrace(): number;
  llc(): number;
  shockProximity(): number;
  /** Jacobian asymmetry of the quotient GD drift field (null where the model has no closed-form invariants). */
  gradientField(): number | null;
  charges(): Record<string, Float64Array>;
  referenceCharges(): Record<string, Float64Array>;
}

export interface MonitorObservable {
  name: string;
  kind: MonitorKind;
  needs: "params" | "data" | "hessian" | "sampling";
  /** Strictly positive: the detectors read log(value). */
  positive: boolean;
  description: string;
  compute(p: ProbeContext): number | Record<string, number>;
}

export interface SpectrumEstimate {
  lambdaMax: number;
  lambdaMin: number;
  steps: number;
}

const maxAbs = (a: Float64Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const perComponent = (q: Record<string, Float64Array>, f: (name: string, v: Float64Array) => number) =>
  Object.fromEntries(Object.entries(q).map(([k, v]) => [k, f(k, v)]));
/** The sum over components, or no series at all for a model without such components. */
const sumOrNothing = (r: Record<string, number>): number | Record<string, number> =>
  Object.keys(r).length ? Object.values(r).reduce((a, b) => a + b, 0) : {};
const tStarOf = (lambdaMin: number) => (lambdaMin < 0 ? -1 / lambdaMin : Infinity);

export const MONITOR_OBSERVABLES: readonly MonitorObservable[] = [
  {
    name: "paramNorm",
    kind: "raw",
    needs: "params",
    positive: true,
    description: "‖θ‖, the weight norm (baseline)",
    compute: (p) => treeNorm(p.diag.params),
  },
  {
    name: "gradNorm",
    kind: "raw",
    needs: "data",
    positive: true,
    description: "‖∇L(θ)‖ on the monitor batch",
    compute: (p) => treeNorm(p.diag.grad(p.diag.params)),
  },
  {
    name: "sharpness",
    kind: "raw",
    needs: "hessian",
    positive: false,
    description: "λ_max of ∇²L(θ) (warm-started Lanczos)",
    compute: (p) => p.raw().lambdaMax,
  },
  {
    name: "lambdaMin",
    kind: "raw",
    needs: "hessian",
    positive: false,
    description: "λ_min of ∇²L(θ)",
    compute: (p) => p.raw().lambdaMin,
  },
  {
    name: "hessianTrace",
    kind: "raw",
    needs: "hessian",
    positive: false,
    description: "tr ∇²L(θ) (Hutchinson)",
    compute: (p) => p.rawTrace(),
  },
  {
    name: "sharpnessRatio",
    kind: "raw",
    needs: "hessian",
    positive: false,
    description: "λ_max η/2: 1 at the edge of stability of gradient descent (baseline sharpness/(2/η))",
    compute: (p) => (p.raw().lambdaMax * p.lr) / 2,
  },
  {
    name: "rawTStar",
    kind: "raw",
    needs: "hessian",
    positive: true,
    description: "1/max(0, −λ_min) of the raw Hessian: the gauge-dependent (spurious) shock-time forecast",
    compute: (p) => tStarOf(p.raw().lambdaMin),
  },
  {
    name: "llc",
    kind: "raw",
    needs: "sampling",
    positive: false,
    description: "local learning coefficient λ̂ = nβ(E_π[L] − L(θ)) (baseline; Euclidean localisation, so raw)",
    compute: (p) => p.llc(),
  },
  {
    name: "loss",
    kind: "quotient",
    needs: "data",
    positive: true,
    description: "L(θ) on the monitor batch, constant on orbits",
    compute: (p) => p.diag.loss(),
  },
  {
    name: "orbitMinSqNorm",
    kind: "quotient",
    needs: "params",
    positive: true,
    description: "min over the orbit of ‖θ‖² = ‖θ_c‖²",
    compute: (p) => treeNorm(p.diag.canonical().params) ** 2,
  },
  {
    name: "balancedNorm",
    kind: "quotient",
    needs: "params",
    positive: true,
    description: "Σ over rescaling components of 2Σ_j ‖in_j‖‖out_j‖ at θ_c",
    compute: (p) => sumOrNothing(p.diag.balancedNorms()),
  },
  {
    name: "nuclearNorm",
    kind: "quotient",
    needs: "params",
    positive: true,
    description: "Σ over GL pairs of 2‖XᵀY‖_* at θ_c (2‖W_Q W_Kᵀ‖_* + 2‖W_V W_O‖_* per head)",
    compute: (p) => sumOrNothing(p.diag.nuclearNorms()),
  },
  {
    name: "horizontalGradNorm",
    kind: "quotient",
    needs: "data",
    positive: true,
    description: "‖P_H ∇L(θ_c)‖",
    compute: (p) => p.diag.horizontalGradNorm(),
  },
  {
    name: "quotientSharpness",
    kind: "quotient",
    needs: "hessian",
    positive: false,
    description: "λ_max of P_H ∇²L P_H at θ_c",
    compute: (p) => p.quotient().lambdaMax,
  },
  {
    name: "quotientLambdaMin",
    kind: "quotient",
    needs: "hessian",
    positive: false,
    description: "λ_min of P_H ∇²L P_H at θ_c",
    compute: (p) => p.quotient().lambdaMin,
  },
  {
    name: "quotientTrace",
    kind: "quotient",
    needs: "hessian",
    positive: false,
    description: "tr P_H ∇²L P_H at θ_c (Hutchinson on range(P_H))",
    compute: (p) => p.quotientTrace(),
  },
  {
    name: "quotientSharpnessRatio",
    kind: "quotient",
    needs: "hessian",
    positive: false,
    description: "quotient λ_max η/2",
    compute: (p) => (p.quotient().lambdaMax * p.lr) / 2,
  },
  {
    name: "tStar",
    kind: "quotient",
    needs: "hessian",
    positive: true,
    description: "shock-time forecast t* = 1/max(0, −λ_min) of the quotient Hessian (∞ when convex)",
    compute: (p) => tStarOf(p.quotient().lambdaMin),
  },
  {
    name: "shockProximity",
    kind: "quotient",
    needs: "sampling",
    positive: true,
    description:
      "bimodality coefficient of local Gibbs samples at θ_c along the lowest quotient eigendirection (> 5/9: bimodal)",
    compute: (p) => p.shockProximity(),
  },
  {
    name: "gradientField",
    kind: "quotient",
    needs: "hessian",
    positive: false,
    description:
      "Jacobian asymmetry of the full-batch GD drift in the induced quotient metric on the chart of the top and " +
      "bottom quotient Hessian directions at θ_c: 0 for a gradient field (absent without closed-form invariants)",
    compute: (p) => p.gradientField() ?? {},
  },
  {
    name: "charge",
    kind: "charge",
    needs: "params",
    positive: false,
    description: "max_j |Q_j| per symmetry component",
    compute: (p) => perComponent(p.charges(), (_, v) => maxAbs(v)),
  },
  {
    name: "chargeDrift",
    kind: "charge",
    needs: "params",
    positive: false,
    description:
      "max_j |Q_j(θ) − Q_j(θ_start)| per component: zero under gradient flow, O(η²) per GD step, decays with weight decay",
    compute: (p) => {
      const ref = p.referenceCharges();
      return perComponent(p.charges(), (k, v) => {
        const r = ref[k];
        let m = 0;
        for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] - (r?.[i] ?? 0)));
        return m;
      });
    },
  },
];

export const MONITOR_OBSERVABLE_NAMES = MONITOR_OBSERVABLES.map((o) => o.name);

/** What the monitor measures unless told otherwise: everything but the sampling-based observables and the gradient-field test. */
export const DEFAULT_OBSERVABLES = MONITOR_OBSERVABLES.filter(
  (o) => o.needs !== "sampling" && o.name !== "gradientField",
).map((o) => o.name);

export function observableSpec(name: string): MonitorObservable {
  const s = MONITOR_OBSERVABLES.find((o) => o.name === name);
  if (!s) throw new Error(`unknown monitor observable ${name}`);
  return s;
}

/** The store key of a measured series: monitor/<kind>/<name> (name may carry ".<component>"). */
export function scalarKey(kind: MonitorKind, name: string): string {
  return `monitor/${kind}/${name}`;
}

export interface Measurement {
  /** Flat series name (e.g. "charge.fc0") → value. */
  values: Record<string, number>;
  kinds: Record<string, MonitorKind>;
  /** Positive series (read on a log scale by the detectors). */
  positive: Record<string, boolean>;
  seconds: number;
}
