/**
 * Gauge attack (docs/experiments.md §gauge-attack): a small transformer is trained on modular
 * addition; random elements of its symmetry group (per-head GL(d_head) of W_Q/W_K and W_V/W_O,
 * residual rescalings, MLP neuron rescalings, permutations) with growing range r are applied to the
 * trained weights. The network computes the same function — the loss is unchanged — while raw
 * observables (‖θ‖, ‖∇L‖, the Hessian's extremes and the t* read from them) move by orders of
 * magnitude; every quotient observable stays where it was. The measurements go to the store as a
 * run of their own (one step per range).
 */
import { key } from "../core/random.ts";
import { loadWeights } from "../nn/files.ts";
import { modelOf } from "../nn/index.ts";
import { groupOf } from "../nn/index.ts";
import type { RunConfig } from "../train/config.ts";
import { experimentRunConfig, experimentSettings } from "./runConfig.ts";
import { prepareRun } from "../train/setup.ts";
import { trainRun } from "../train/run.ts";
import { scalarKey } from "../monitor/observables.ts";
import { ObservableProbe } from "../monitor/probe.ts";
import { linePlot, type Series } from "../report/svgplot.ts";
import type { Experiment, ExperimentOptions, ExperimentResult } from "./types.ts";

export interface GaugeSettings {
  p: number;
  steps: number;
  /** Ranges r of the random group elements (scalings in [1/r, r], GL condition numbers up to r). */
  ranges: number[];
  /** Random group elements per range. */
  elements: number;
  seeds: number;
}

export const GAUGE_DEFAULTS: GaugeSettings = {
  p: 11,
  steps: 400,
  ranges: [1, 3, 10, 30, 100, 300, 1000],
  elements: 3,
  seeds: 1,
};
export const GAUGE_QUICK: GaugeSettings = { p: 7, steps: 60, ranges: [1, 10, 100], elements: 1, seeds: 1 };

const OBSERVABLES = [
  "paramNorm",
  "gradNorm",
  "sharpness",
  "lambdaMin",
  "rawTStar",
  "loss",
  "orbitMinSqNorm",
  "nuclearNorm",
  "balancedNorm",
  "horizontalGradNorm",
  "quotientSharpness",
  "quotientLambdaMin",
  "tStar",
];

export function gaugeConfig(s: GaugeSettings, seed: number): RunConfig {
  return experimentRunConfig(
    {
      name: `gauge-attack-transformer-p${s.p}-s${seed}`,
      experiment: "gauge-attack",
      seed,
      model: {
        arch: "transformer",
        vocab: s.p + 1,
        seq: 3,
        d: 16,
        heads: 2,
        dHead: 8,
        layers: 1,
        mlp: 32,
        norm: "layernorm",
        activation: "relu",
        readout: "last",
      },
      data: { name: "modular", p: s.p, encoding: "tokens", trainFraction: 0.6 },
      optimizer: { name: "adamw", lr: 3e-3, weightDecay: 0.1 },
      steps: s.steps,
      evalEvery: Math.max(1, Math.round(s.steps / 4)),
    },
    "gauge-attack experiment",
  );
}

interface LevelRow {
  range: number;
  /**
   * Per observable: the most extreme |value/value at the trained weights| over the elements (raw),
   * or the largest relative change (quotient).
   */
  rawRatio: Record<string, number>;
  quotientRelChange: Record<string, number>;
}

export async function runGaugeAttack(
  o: ExperimentOptions & { settings?: Partial<GaugeSettings> },
): Promise<ExperimentResult> {
  const s = experimentSettings(o, GAUGE_DEFAULTS, GAUGE_QUICK);
  const runs: string[] = [];
  const levels: Record<number, LevelRow[]> = {};
  const figures: Record<string, string> = {};
  let trainedMetrics: Record<string, number> = {};
  for (let seed = 0; seed < s.seeds; seed++) {
    const config = gaugeConfig(s, seed);
    const trained = await trainRun({ store: o.store, config });
    runs.push(trained.id);
    trainedMetrics = trained.metrics;
    const prepared = prepareRun(config);
    const params = loadWeights(trained.weights as string, modelOf(config.model));
    const group = groupOf(config.model);
    const probe = () =>
      new ObservableProbe({
        cfg: config.model,
        loss: prepared.loss,
        x: prepared.task.train.x,
        y: prepared.task.train.y,
        names: OBSERVABLES,
        hessianSteps: 30,
        key: key(seed),
        group,
      });
    const base = probe().measure(params, 0, config.optimizer.lr);
    const attack = o.store.createRun({
      name: `gauge-attack-measurements-s${seed}`,
      experiment: "gauge-attack",
      config: { trainedRun: trained.id, settings: s },
    }).id;
    runs.push(attack);
    const rows: LevelRow[] = [];
    for (const [i, r] of s.ranges.entries()) {
      const row: LevelRow = { range: r, rawRatio: {}, quotientRelChange: {} };
      for (let e = 0; e < s.elements; e++) {
        const moved = group.act(params, group.randomElement(key(1000 * seed + 10 * i + e), { logRange: r }));
        const m = probe().measure(moved, 0, config.optimizer.lr);
        for (const [name, v] of Object.entries(m.values)) {
          const v0 = base.values[name];
          if (m.kinds[name] === "raw") {
            // Equal values (t* = ∞ on both sides included) did not move.
            const ratio = v === v0 ? 1 : Math.abs(v / v0);
            const worst = row.rawRatio[name];
            // The most extreme move, in either direction.
            if (worst === undefined || Math.abs(Math.log(ratio)) > Math.abs(Math.log(worst)))
              row.rawRatio[name] = ratio;
          } else {
            const rel = v === v0 ? 0 : Math.abs(v - v0) / Math.max(Math.abs(v0), 1e-300);
            row.quotientRelChange[name] = Math.max(row.quotientRelChange[name] ?? 0, rel);
          }
        }
        if (e === 0)
          o.store.logScalars(
            attack,
            i,
            Object.fromEntries(Object.entries(m.values).map(([n, v]) => [scalarKey(m.kinds[n], n), v])),
          );
      }
      o.store.logEvent(attack, { step: i, kind: "gauge_attack", payload: { ...row } });
      rows.push(row);
      o.log?.(
        `gauge attack r=${r}: ‖θ‖ ×${row.rawRatio.paramNorm.toPrecision(3)}, raw λ_max ×${row.rawRatio.sharpness.toPrecision(3)}, ` +
          `largest quotient change ${Math.max(...Object.values(row.quotientRelChange)).toExponential(1)}`,
      );
    }
    o.store.setStatus(attack, "FINISHED");
    levels[seed] = rows;
    if (seed === 0) {
      const x = rows.map((r) => Math.log10(r.range));
      const series: Series[] = [
        ...["paramNorm", "gradNorm", "sharpness", "lambdaMin"].map((n) => ({
          label: `raw ${n}`,
          x,
          y: rows.map((r) => Math.log10(r.rawRatio[n])),
        })),
        ...["loss", "orbitMinSqNorm", "quotientSharpness", "tStar"].map((n) => ({
          label: `quotient ${n}`,
          x,
          y: rows.map((r) => Math.log10(1 + (r.quotientRelChange[n] ?? 0))),
          dash: "5 3",
        })),
      ];
      figures["gauge-attack"] = linePlot({
        series,
        title: "Gauge attack on a trained transformer: function-preserving group elements of range r",
        xLabel: "log10 r",
        yLabel: "log10 |value / value at trained θ|",
        legend: "top-left",
        width: 760,
        height: 420,
      });
    }
  }
  const last = levels[0][levels[0].length - 1];
  return {
    experiment: "gauge-attack",
    runs,
    transitions: [],
    summary: {
      settings: s,
      trainedMetrics,
      levels,
      atLargestRange: {
        range: last.range,
        rawRatio: last.rawRatio,
        largestQuotientRelChange: Math.max(...Object.values(last.quotientRelChange)),
      },
    },
    figures,
  };
}

export const gaugeAttack: Experiment = {
  name: "gauge-attack",
  description:
    "random function-preserving group elements on a trained transformer: raw observables move, quotient ones do not",
  run: (o) => runGaugeAttack(o),
};
