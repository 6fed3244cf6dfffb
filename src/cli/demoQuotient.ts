/**
 * The second half of `shocklens demo`: the trained network seen through its symmetry group. A
 * random gauge transformation (rescalings and permutations of hidden neurons) leaves the network's
 * function — and so its loss — unchanged, yet moves every raw observable; the quotient observables
 * and the shock-time forecast from the quotient Hessian stay put. That is the paper's diagnostic
 * claim, measured on the run just trained.
 */
import { key } from "../core/random.ts";
import * as F from "../core/ops/index.ts";
import { groupOf } from "../nn/registry.ts";
import { observe, tStar, type ObserveResult } from "../diagnostics/observables.ts";
import { modelOf } from "../nn/index.ts";
import { loadWeights } from "../nn/files.ts";
import type { Tree } from "../core/tree.ts";
import type { PreparedRun } from "../train/setup.ts";

export interface GaugeView {
  group: string;
  groupDim: number;
  /** Held-out samples the loss and Hessians are measured on. */
  samples: number;
  original: ObserveResult;
  gauged: ObserveResult;
}

/** Lanczos steps of each of the four Hessian spectra (raw and quotient, trained and gauged). */
export const GAUGE_HESSIAN_STEPS = 30;

/** Observables of the trained weights and of a random gauge transformation of them (×`range` scalings). */
export function gaugeView(
  prepared: PreparedRun,
  weightsPath: string,
  opts: { samples?: number; range?: number; seed?: number; onHvp?: () => void } = {},
): GaugeView {
  const cfg = prepared.config.model;
  const params = loadWeights(weightsPath, modelOf(cfg));
  const group = groupOf(cfg);
  const g = group.randomElement(key(opts.seed ?? 7), { logRange: opts.range ?? 100, permute: true });
  const gauged = group.act(params, g) as Tree;
  const { x, y } = prepared.task.test;
  const n = Math.min(opts.samples ?? 500, x.shape[0]);
  const data = {
    x: F.slice(x, [0], [n]),
    y: F.slice(y, [0], [n]),
    loss: prepared.loss,
    hessian: { steps: GAUGE_HESSIAN_STEPS, seed: 0, onHvp: opts.onHvp },
    group,
  };
  return {
    group: group.name,
    groupDim: group.dim,
    samples: n,
    original: observe(cfg, params, data),
    gauged: observe(cfg, gauged, data),
  };
}

const num = (v: unknown): number => (typeof v === "number" ? v : NaN);
const fmt = (v: number): string =>
  !Number.isFinite(v)
    ? v > 0
      ? "∞"
      : String(v)
    : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(3)
      : v.toPrecision(5);
const hess = (r: ObserveResult, side: "raw" | "quotient", k: string): number => {
  const h = (side === "raw" ? r.observables.raw.hessian : r.observables.quotient.quotientHessian) as
    Record<string, number> | undefined;
  return num(h?.[k]);
};

/**
 * [name, what, trained, gauge-transformed] rows: raw observables first, then quotient ones. `name`
 * is stable (the observable's path in `quotient --json`, e.g. raw.paramSqNorm); `what` is the label.
 */
export function gaugeRows(v: GaugeView): [string, string, number, number][] {
  const { original: a, gauged: b } = v;
  return [
    ["quotient.loss", "loss (test)", num(a.observables.quotient.loss), num(b.observables.quotient.loss)],
    ["raw.paramSqNorm", "raw ‖θ‖²", num(a.observables.raw.paramSqNorm), num(b.observables.raw.paramSqNorm)],
    ["raw.gradNorm", "raw gradient norm", num(a.observables.raw.gradNorm), num(b.observables.raw.gradNorm)],
    ["raw.hessian.lambdaMin", "raw Hessian λ_min", hess(a, "raw", "lambdaMin"), hess(b, "raw", "lambdaMin")],
    [
      "raw.tStar",
      "raw forecast t* = 1/(−λ_min)",
      tStar(hess(a, "raw", "lambdaMin")),
      tStar(hess(b, "raw", "lambdaMin")),
    ],
    [
      "quotient.orbitMinSqNorm",
      "quotient: orbit-minimal ‖θ‖²",
      num(a.observables.quotient.orbitMinSqNorm),
      num(b.observables.quotient.orbitMinSqNorm),
    ],
    [
      "quotient.horizontalGradNorm",
      "quotient: horizontal gradient norm",
      num(a.observables.quotient.horizontalGradNorm),
      num(b.observables.quotient.horizontalGradNorm),
    ],
    [
      "quotient.quotientHessian.lambdaMin",
      "quotient Hessian λ_min",
      hess(a, "quotient", "lambdaMin"),
      hess(b, "quotient", "lambdaMin"),
    ],
    ["quotient.tStar", "quotient forecast t*", num(a.observables.quotient.tStar), num(b.observables.quotient.tStar)],
  ];
}

/** The JSON form: {group, groupDim, samples, rows: [{name, what, trained, gauged}]}, rows keyed by `name`. */
export function gaugeJson(v: GaugeView): Record<string, unknown> {
  return {
    group: v.group,
    groupDim: v.groupDim,
    samples: v.samples,
    rows: gaugeRows(v).map(([name, what, trained, gauged]) => ({ name, what, trained, gauged })),
  };
}

/** The table the demo prints. */
export function gaugeTable(v: GaugeView): string {
  const rows = gaugeRows(v);
  const w = Math.max(...rows.map(([, n]) => n.length));
  return [
    `Symmetry-corrected view — ${v.group} (${v.groupDim} continuous directions), on ${v.samples} held-out digits.`,
    `A random gauge transformation (neuron rescalings in [1/100, 100] and a permutation) leaves the function unchanged:`,
    ``,
    `  ${"".padEnd(w)}   ${"trained".padStart(12)}   ${"gauge-transformed".padStart(18)}`,
    ...rows.map(([, n, x, y]) => `  ${n.padEnd(w)}   ${fmt(x).padStart(12)}   ${fmt(y).padStart(18)}`),
    ``,
    `Raw norms, gradients and curvature move with the gauge; the quotient observables do not.`,
    `Shock-time forecasts therefore come from the quotient Hessian (see \`shocklens quotient --help\`).`,
  ].join("\n");
}
