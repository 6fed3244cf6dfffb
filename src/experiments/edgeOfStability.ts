/**
 * Edge of stability (docs/experiments.md §edge-of-stability; Cohen et al. 2021): full-batch
 * gradient descent with step η on a ReLU MLP regressing a teacher. The sharpness λ_max of the raw
 * Hessian rises until λ_max η/2 reaches 1 (GD on a quadratic diverges beyond λ = 2/η) and then
 * hovers there while the loss keeps falling non-monotonically. The monitor records raw λ_max at θ
 * and the quotient λ_max at the balanced representative θ_c, both × η/2, for a small and a large η;
 * the trend forecast of λ_max η/2 reaching 1 and the divergence alert are scored against the step
 * where it is reached.
 */
import type { RunConfig } from "../train/config.ts";
import { experimentRunConfig, experimentSettings } from "./runConfig.ts";
import { trainRun } from "../train/run.ts";
import { linePlot, type Series } from "../report/svgplot.ts";
import type { Experiment, ExperimentOptions, ExperimentResult, TransitionRow } from "./types.ts";

export interface EosSettings {
  lrs: number[];
  steps: number;
  hidden: number;
  every: number;
  seeds: number;
}

export const EOS_DEFAULTS: EosSettings = { lrs: [0.1, 0.3, 0.5], steps: 600, hidden: 32, every: 10, seeds: 1 };
export const EOS_QUICK: EosSettings = { lrs: [0.1, 0.3], steps: 200, hidden: 16, every: 10, seeds: 1 };

export function eosConfig(s: EosSettings, lr: number, seed: number): RunConfig {
  return experimentRunConfig(
    {
      name: `eos-lr${lr}-s${seed}`,
      experiment: "edge-of-stability",
      seed,
      model: { arch: "mlp", sizes: [4, s.hidden, s.hidden, 1], activation: "relu" },
      data: {
        name: "teacher-student",
        teacher: { arch: "mlp", sizes: [4, 8, 1], activation: "tanh" },
        n: 160,
        trainFraction: 0.8,
        seed: 0,
      },
      optimizer: { name: "sgd", lr },
      steps: s.steps,
      logEvery: s.every,
      monitor: {
        every: s.every,
        batch: 100000,
        observables: [
          "loss",
          "paramNorm",
          "orbitMinSqNorm",
          "sharpness",
          "quotientSharpness",
          "sharpnessRatio",
          "quotientSharpnessRatio",
          "chargeDrift",
        ],
        hessian: { steps: 12 },
        forecast: {
          horizon: s.steps,
          trends: [
            { observable: "sharpnessRatio", level: 1 },
            { observable: "quotientSharpnessRatio", level: 1 },
          ],
        },
      },
    },
    "edge-of-stability experiment",
  );
}

interface EosRun {
  run: string;
  lr: number;
  seed: number;
  /** max and late-time mean (second half) of λ_max η/2, raw and quotient. */
  raw: { max: number; lateMean: number; firstAtOne: number | null };
  quotient: { max: number; lateMean: number; firstAtOne: number | null };
  lossSpikes: number;
  divergenceAlerts: number;
  finalLoss: number;
}

function stats(points: { step: number; value: number }[], steps: number) {
  const late = points.filter((p) => p.step > steps / 2);
  return {
    max: Math.max(...points.map((p) => p.value)),
    lateMean: late.reduce((a, p) => a + p.value, 0) / Math.max(1, late.length),
    firstAtOne: points.find((p) => p.value >= 1)?.step ?? null,
  };
}

export async function runEdgeOfStability(
  o: ExperimentOptions & { settings?: Partial<EosSettings> },
): Promise<ExperimentResult> {
  const s = experimentSettings(o, EOS_DEFAULTS, EOS_QUICK);
  const runs: EosRun[] = [];
  const transitions: TransitionRow[] = [];
  const curves: Series[] = [];
  const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  for (const [i, lr] of s.lrs.entries())
    for (let seed = 0; seed < s.seeds; seed++) {
      const r = await trainRun({ store: o.store, config: eosConfig(s, lr, seed) });
      const get = (k: string) => o.store.scalars(r.id, k).map((p) => ({ step: p.step, value: p.value }));
      const raw = get("monitor/raw/sharpnessRatio");
      const quo = get("monitor/quotient/quotientSharpnessRatio");
      const events = o.store.events(r.id);
      const loss = get("monitor/quotient/loss");
      const run: EosRun = {
        run: r.id,
        lr,
        seed,
        raw: stats(raw, s.steps),
        quotient: stats(quo, s.steps),
        lossSpikes: events.filter((e) => e.kind === "loss_spike").length,
        divergenceAlerts: events.filter((e) => e.kind === "divergence_alert").length,
        finalLoss: loss[loss.length - 1]?.value ?? NaN,
      };
      runs.push(run);
      const seen = new Set<string>();
      for (const e of events) {
        // The first crossing of 1 per series (at the edge of stability it then crosses back and forth).
        if (
          e.kind === "level_reached" &&
          !seen.has(String(e.payload.observable)) &&
          seen.add(String(e.payload.observable))
        )
          transitions.push({
            run: r.id,
            observable: String(e.payload.observable),
            kind: e.payload.observable === "sharpnessRatio" ? "raw" : "quotient",
            source: "trend",
            detectedStep: e.step,
            ...(typeof e.payload.leadSteps === "number" ? { leadSteps: e.payload.leadSteps } : {}),
          });
        if (e.kind === "divergence_alert")
          transitions.push({
            run: r.id,
            observable: "sharpnessRatio",
            kind: "raw",
            source: "divergence_alert",
            detectedStep: e.step,
          });
      }
      if (seed === 0) {
        const c = colors[i % colors.length];
        curves.push({
          label: `raw λ_max·η/2, η = ${lr}`,
          x: raw.map((p) => p.step),
          y: raw.map((p) => p.value),
          color: c,
        });
        curves.push({
          label: `quotient, η = ${lr}`,
          x: quo.map((p) => p.step),
          y: quo.map((p) => p.value),
          color: c,
          dash: "5 3",
        });
      }
      o.log?.(
        `edge-of-stability η=${lr} seed=${seed}: raw λ_max·η/2 late mean ${run.raw.lateMean.toFixed(3)} ` +
          `(max ${run.raw.max.toFixed(3)}), quotient ${run.quotient.lateMean.toFixed(3)}`,
      );
    }
  const figure = linePlot({
    series: [...curves, { label: "2/η", x: [0, s.steps], y: [1, 1], color: "#000", dash: "2 2", width: 1 }],
    title: "Edge of stability: sharpness × η/2 under full-batch GD (raw at θ, quotient at θ_c)",
    xLabel: "step",
    yLabel: "λ_max · η / 2",
    width: 760,
    height: 420,
  });
  return {
    experiment: "edge-of-stability",
    runs: runs.map((r) => r.run),
    transitions,
    summary: { settings: s, runs },
    figures: { "edge-of-stability": figure },
  };
}

export const edgeOfStability: Experiment = {
  name: "edge-of-stability",
  description: "full-batch GD: sharpness × η/2 → 1, raw Hessian at θ vs quotient Hessian at θ_c",
  run: (o) => runEdgeOfStability(o),
};
