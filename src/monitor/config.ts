/**
 * The `monitor:` section of a run config (docs/monitor.md §config): what the training monitor
 * records, how often (a time budget or a fixed interval), how it detects change points, what it
 * forecasts and which metric marks the phase transition whose lead times it books. Every field
 * has a description (shown by `shocklens train --schema`).
 */
import { z } from "zod";
import { seedSchema } from "../validate.ts";
import { MONITOR_OBSERVABLE_NAMES } from "./observables.ts";

const positiveInt = z.number().int().positive();
const names = z.enum(MONITOR_OBSERVABLE_NAMES as [string, ...string[]]);

/** "10%" or 0.1 → 0.1. */
export function budgetFraction(b: number | string): number {
  return typeof b === "number" ? b : Number(b.slice(0, -1)) / 100;
}

export const cusumSettings = z.strictObject({
  k: z
    .number()
    .nonnegative()
    .default(0.5)
    .describe("reference value: half the shift (in sd of the scaled series) to detect"),
  h: z.number().positive().default(5).describe("decision interval: alarm when a cumulative sum exceeds h"),
});

export const bocpdSettings = z.strictObject({
  hazard: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.01)
    .describe("constant hazard: 1/(expected number of observations between change points)"),
  minRun: positiveInt.default(5).describe("observations of the old regime needed before a change may be placed"),
  threshold: z
    .number()
    .positive()
    .default(1)
    .describe("alarm when the best change hypothesis is this many times as probable as no change"),
});

export const monitorConfig = z.strictObject({
  budget: z
    .union([z.number().gt(0).lte(1), z.string().regex(/^(\d+(\.\d*)?|\.\d+)%$/, 'a percentage such as "10%"')])
    .default(0.1)
    .describe(
      'share of the training time the monitor may use, 0.1 or "10%": the interval between observations adapts so ' +
        "that the measured overhead stays within it (ignored when every is set)",
    ),
  every: positiveInt
    .optional()
    .describe("observe every this many steps instead of adapting to the budget (reproducible step grid)"),
  minEvery: positiveInt.default(1).describe("smallest interval the budget may choose, in steps"),
  maxEvery: positiveInt.optional().describe("largest interval the budget may choose (default: no limit)"),
  observables: z
    .array(names)
    .min(1)
    .optional()
    .describe(
      "what to record, by name (default: all but the sampling-based llc and shockProximity and the gradient-field test gradientField)",
    ),
  batch: positiveInt
    .default(512)
    .describe(
      "training samples the loss, gradient and Hessian observables are computed on: " +
        "the first N of the seeded training split (all of it when smaller)",
    ),
  hessian: z
    .strictObject({
      steps: positiveInt.default(20).describe("Lanczos steps per spectrum (raw and quotient)"),
      warmStart: z
        .boolean()
        .default(true)
        .describe("start each Lanczos run from the previous observation's extreme Ritz vectors"),
      traceSamples: positiveInt.default(4).describe("Hutchinson probes per trace estimate"),
    })
    .prefault({})
    .describe("the Hessian observables' cost and accuracy"),
  detectors: z
    .strictObject({
      cusum: z
        .union([z.literal(false), cusumSettings])
        .prefault({})
        .describe("two-sided CUSUM on the scaled series (false: off)"),
      bocpd: z
        .union([z.literal(false), bocpdSettings])
        .prefault({})
        .describe("Bayesian online change-point detection (Adams & MacKay 2007) on the scaled series (false: off)"),
      reference: z
        .enum(["sliding", "initial"])
        .default("sliding")
        .describe(
          "standardise against the previous window of observations (sliding) or the first window after each (re)start (initial)",
        ),
      window: z.number().int().min(2).default(10).describe("reference window, in observations"),
      warmup: z
        .number()
        .int()
        .nonnegative()
        .default(0)
        .describe("alarms before this step are ignored (the initial transient of training)"),
    })
    .prefault({})
    .describe("change-point detection on every recorded series"),
  forecast: z
    .strictObject({
      window: z.number().int().min(3).default(8).describe("observations in the local linear trend fit"),
      horizon: positiveInt
        .optional()
        .describe("a forecast is announced once it falls within this many steps (default: a quarter of the run)"),
      trends: z
        .array(
          z.strictObject({
            observable: z.string().min(1).describe("series name, e.g. sharpnessRatio"),
            level: z.number().describe("the level whose crossing is forecast"),
          }),
        )
        .default([{ observable: "sharpnessRatio", level: 1 }])
        .describe("trend extrapolations: when will the series reach the level (default: sharpness × η/2 reaching 1)"),
    })
    .prefault({})
    .describe("forecasts: quotient t* trend, shock proximity and trend extrapolations"),
  llc: z
    .strictObject({
      nBeta: z.number().positive().optional().describe("nβ of the tempered posterior (default n/log n)"),
      gamma: z.number().positive().default(100).describe("localisation strength γ"),
      burnIn: positiveInt.default(100).describe("Langevin burn-in steps (the step size adapts here)"),
      samples: positiveInt.default(200).describe("kept Langevin samples"),
    })
    .optional()
    .describe("settings of the local learning coefficient estimate (record it by listing llc in observables)"),
  shockProximity: z
    .strictObject({
      t: z.number().positive().describe("smoothing scale t of the local Gibbs measure"),
      beta: z.number().positive().describe("inverse temperature β of the local Gibbs measure"),
      chains: positiveInt.default(8).describe("independent chains started at θ_c"),
      burnIn: positiveInt.default(100).describe("burn-in steps per chain"),
      samples: positiveInt.default(400).describe("kept samples over all chains"),
    })
    .optional()
    .describe("settings of shock proximity (record it by listing shockProximity in observables)"),
  transition: z
    .strictObject({
      metric: z.string().min(1).describe('the evaluation metric that marks the transition, e.g. "test/accuracy"'),
      above: z.number().optional().describe("the transition is the first evaluation with metric ≥ this"),
      below: z.number().optional().describe("the transition is the first evaluation with metric ≤ this"),
    })
    .refine((t) => (t.above === undefined) !== (t.below === undefined), {
      message: "give exactly one of above and below",
      path: ["above"],
    })
    .optional()
    .describe("the phase transition to book lead times against (e.g. grokking: test/accuracy above 0.5)"),
  alerts: z
    .strictObject({
      lossSpikeWindow: positiveInt.default(50).describe("steps of training loss the spike alert compares against"),
      lossSpikeFactor: z
        .number()
        .positive()
        .default(8)
        .describe("a loss spike is a step loss above median + factor × 1.4826 × MAD of the window (and 1.5 × median)"),
      sharpnessRatio: z
        .number()
        .positive()
        .default(1)
        .describe("a divergence alert fires when sharpness × η/2 stays above this"),
      consecutive: positiveInt
        .default(3)
        .describe("observations in a row above the sharpness limit (or of a 10× gradient growth) before alerting"),
    })
    .prefault({})
    .describe("divergence and loss-spike alerts"),
  seed: seedSchema.optional().describe("seed of the Lanczos, Hutchinson and Langevin draws (default: the run's seed)"),
});

export type MonitorConfig = z.infer<typeof monitorConfig>;
export type MonitorConfigInput = z.input<typeof monitorConfig>;
