/**
 * Grokking (docs/experiments.md §grokking): a one-hidden-layer ReLU MLP on modular addition
 * (one-hot a ‖ one-hot b → a + b mod p), full-batch AdamW with strong weight decay. It memorises
 * the training pairs within a few hundred steps (test accuracy at or below chance) and generalises
 * hundreds of steps later. Every run carries the monitor; the transition is the first evaluation
 * with test accuracy ≥ 50 % (the midpoint from chance to 100 %). The family of runs — moduli ×
 * seeds, plus control runs without weight decay — is then scored observable by observable: lead
 * times, false alarms and AUROC, raw against quotient against the baselines.
 */
import type { RunConfig } from "../train/config.ts";
import { experimentRunConfig, experimentSettings } from "./runConfig.ts";
import { trainRun } from "../train/run.ts";
import type { MonitorConfigInput } from "../monitor/config.ts";
import { readSeries, replay } from "../monitor/replay.ts";
import { compareScores, scoreRuns, type ObservableScore, type ScoredRun } from "../monitor/score.ts";
import type { RunStore } from "../store/types.ts";
import type { Experiment, ExperimentOptions, ExperimentResult, TransitionRow } from "./types.ts";
import { grokkingFigures } from "./grokkingFigures.ts";
import { grokkingRun, type GrokkingRun } from "./grokkingRun.ts";

export { grokkingRun, type GrokkingRun } from "./grokkingRun.ts";

export interface GrokkingSettings {
  moduli: number[];
  seeds: number;
  /** Steps per modulus, and of the control runs (long enough to cover the transitions of the others). */
  steps: Record<number, number>;
  controlSteps: number;
  hidden: number;
  trainFraction: number;
  lr: number;
  weightDecay: number;
  /** Also train each (modulus, seed) without weight decay: runs that should not grok (run-level AUROC). */
  controls: boolean;
  /** Observe every this many steps. */
  every: number;
  evalEvery: number;
  hessianSteps: number;
  /** Record the LLC baseline (a short Langevin chain per observation). */
  llc: boolean;
  /**
   * Reference window of the detectors and BOCPD's minimum old-regime run, in observations: the
   * transition comes ~14 observations after the start, so the general defaults (10 and 5) would
   * leave the detectors nothing to see before it.
   */
  window: number;
  minRun: number;
  /** Warnings within this many steps before the transition count; alarms before `warmup` are ignored. */
  horizon: number;
  warmup: number;
}

export const GROKKING_DEFAULTS: GrokkingSettings = {
  moduli: [29, 31],
  seeds: 3,
  steps: { 23: 2500, 29: 1200, 31: 1200 },
  controlSteps: 800,
  hidden: 256,
  trainFraction: 0.7,
  lr: 3e-3,
  weightDecay: 2,
  controls: true,
  every: 40,
  evalEvery: 20,
  hessianSteps: 8,
  llc: true,
  window: 4,
  minRun: 2,
  horizon: 300,
  warmup: 100,
};

export const GROKKING_QUICK: GrokkingSettings = {
  ...GROKKING_DEFAULTS,
  moduli: [29],
  seeds: 1,
  steps: { 29: 1000 },
  controls: false,
  every: 40,
  evalEvery: 20,
  hessianSteps: 4,
  llc: false,
};

const OBSERVABLES = [
  "paramNorm",
  "gradNorm",
  "sharpness",
  "lambdaMin",
  "sharpnessRatio",
  "rawTStar",
  "loss",
  "orbitMinSqNorm",
  "balancedNorm",
  "horizontalGradNorm",
  "quotientSharpness",
  "quotientLambdaMin",
  "quotientSharpnessRatio",
  "tStar",
  "charge",
  "chargeDrift",
];

export function grokkingConfig(s: GrokkingSettings, p: number, seed: number, weightDecay: number): RunConfig {
  const steps = weightDecay > 0 ? (s.steps[p] ?? 2000) : s.controlSteps;
  const monitor: MonitorConfigInput = {
    every: s.every,
    observables: s.llc ? [...OBSERVABLES, "llc"] : OBSERVABLES,
    batch: 100000,
    hessian: { steps: s.hessianSteps },
    llc: { burnIn: 20, samples: 40 },
    transition: { metric: "test/accuracy", above: 0.5 },
    forecast: { horizon: s.horizon },
    detectors: { warmup: s.warmup, window: s.window, bocpd: { minRun: s.minRun } },
  };
  return experimentRunConfig(
    {
      name: `grokking-p${p}-wd${weightDecay}-s${seed}`,
      experiment: "grokking",
      seed,
      model: { arch: "mlp", sizes: [2 * p, s.hidden, p], activation: "relu" },
      data: { name: "modular", p, op: "+", encoding: "onehot", trainFraction: s.trainFraction },
      optimizer: { name: "adamw", lr: s.lr, weightDecay, betas: [0.9, 0.98] },
      steps,
      evalEvery: s.evalEvery,
      evalTrain: true,
      logEvery: s.evalEvery,
      monitor,
    },
    "grokking experiment",
  );
}

export async function runGrokking(
  o: ExperimentOptions & { settings?: Partial<GrokkingSettings> },
): Promise<ExperimentResult> {
  const s = experimentSettings(o, GROKKING_DEFAULTS, GROKKING_QUICK);
  const runs: GrokkingRun[] = [];
  for (const p of s.moduli)
    for (let seed = 0; seed < s.seeds; seed++)
      for (const wd of s.controls ? [s.weightDecay, 0] : [s.weightDecay]) {
        const r = await trainRun({ store: o.store, config: grokkingConfig(s, p, seed, wd) });
        const run = grokkingRun(o.store, r.id, {
          p,
          seed,
          weightDecay: wd,
          seconds: r.seconds,
          overhead: r.monitor?.overhead ?? NaN,
        });
        runs.push(run);
        o.log?.(
          `grokking p=${p} seed=${seed} wd=${wd}: test accuracy ${(100 * run.finalTestAccuracy).toFixed(1)} %, ` +
            `transition ${run.transitionStep ?? "—"}, grokked ${run.grokStep ?? "—"} ` +
            `(${r.seconds.toFixed(0)} s, monitor overhead ${(100 * run.overhead).toFixed(0)} %)`,
        );
      }
  return summarizeGrokking(o.store, runs, s);
}

/**
 * Scores a family of grokking runs from what the store holds: each run's monitor series are
 * replayed through the detectors of the settings (so a finished family can be re-scored).
 */
export function summarizeGrokking(store: RunStore, runs: GrokkingRun[], s: GrokkingSettings): ExperimentResult {
  const scored: ScoredRun[] = runs.map((r) => ({
    run: r.run,
    transitionStep: r.transitionStep,
    engine: replay(readSeries(store, r.run), grokkingConfig(s, r.p, r.seed, r.weightDecay).monitor!, s.horizon),
  }));
  const scores = scoreRuns(scored, { horizon: s.horizon, warmup: s.warmup });
  const transitions: TransitionRow[] = [];
  for (const [i, r] of runs.entries()) {
    if (r.transitionStep !== null)
      transitions.push({
        run: r.run,
        observable: "test/accuracy",
        kind: "metric",
        source: "observed",
        detectedStep: r.transitionStep,
      });
    for (const w of scored[i].engine.warnings()) transitions.push({ run: r.run, ...w });
  }
  const grokking = runs.filter((r) => r.weightDecay > 0);
  return {
    experiment: "grokking",
    runs: runs.map((r) => r.run),
    transitions,
    summary: {
      settings: s,
      runs,
      grokked: `${grokking.filter((r) => r.grokStep !== null).length}/${grokking.length}`,
      scores,
      headline: headline(scores, grokking),
      targets: { meanLeadSteps: 1700, runAuroc: 0.93 },
    },
    figures: grokkingFigures(store, runs, scored),
  };
}

type Best = Pick<
  ObservableScore,
  "observable" | "source" | "meanLead" | "aurocRun" | "aurocWindow" | "falsePositiveRate" | "detected" | "positives"
>;

/** Best raw, best quotient and the baselines, by detection rate then mean lead. */
function headline(scores: ObservableScore[], runs: GrokkingRun[]): Record<string, unknown> {
  const pick = (x: ObservableScore): Best => ({
    observable: x.observable,
    source: x.source,
    meanLead: x.meanLead,
    aurocRun: x.aurocRun,
    aurocWindow: x.aurocWindow,
    falsePositiveRate: x.falsePositiveRate,
    detected: x.detected,
    positives: x.positives,
  });
  const best = (kind: string) => {
    const c = scores.filter((x) => x.kind === kind && !x.baseline).sort(compareScores)[0];
    return c ? pick(c) : null;
  };
  const T = runs.map((r) => r.transitionStep).filter((t): t is number => t !== null);
  return {
    meanTransitionStep: T.length ? T.reduce((a, b) => a + b, 0) / T.length : null,
    bestRaw: best("raw"),
    bestQuotient: best("quotient"),
    baselines: scores.filter((x) => x.baseline).map(pick),
  };
}

export const grokking: Experiment = {
  name: "grokking",
  description:
    "MLP on modular addition with AdamW and weight decay: memorises, then generalises; " +
    "which monitored observables detect and forecast the transition, raw vs quotient vs baselines",
  run: (o) => runGrokking(o),
};
