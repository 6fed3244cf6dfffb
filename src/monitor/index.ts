/**
 * The training monitor (docs/monitor.md): observables (raw, quotient, charge) measured online with
 * warm-started Hessian work, change-point detection (CUSUM, Bayesian online change-point
 * detection) on scaled series, forecasts, alerts, lead-time bookkeeping, scoring of observables as
 * transition predictors, and the same over checkpoint series saved elsewhere.
 */
export { monitorConfig, budgetFraction, type MonitorConfig, type MonitorConfigInput } from "./config.ts";
export {
  MONITOR_OBSERVABLES,
  MONITOR_OBSERVABLE_NAMES,
  DEFAULT_OBSERVABLES,
  scalarKey,
  type MonitorKind,
  type MonitorObservable,
  type Measurement,
} from "./observables.ts";
export { ObservableProbe, type ProbeOptions } from "./probe.ts";
export { gradientFieldAsymmetry } from "./gradientField.ts";
export { MonitorEngine, type MonitorEvent, type Warning, type EngineSettings } from "./engine.ts";
export { Cusum, siegmundArl, twoSidedArl, type CusumOptions } from "./cusum.ts";
export { Bocpd, logPredictive, type BocpdOptions, type NormalGammaPrior } from "./bocpd.ts";
export type { ChangeDetector, DetectorStep, DetectorAlarm } from "./detector.ts";
export { SeriesScaler, type ScalerOptions, type Transform, type Reference } from "./scaling.ts";
export { ChangeTracker, type ChangePoint } from "./tracker.ts";
export { TrendForecaster, linearFit, type LinearFit, type TrendState } from "./forecast.ts";
export { LossSpikeAlert, DivergenceAlert, type Alert } from "./alerts.ts";
export { scoreRuns, auroc, BASELINES, type ObservableScore, type ScoredRun, type ScoreOptions } from "./score.ts";
export { readSeries, replay, type StoredSeries } from "./replay.ts";
export {
  analyzeCheckpoints,
  readCheckpointSeries,
  checkpointStepOf,
  type AnalyzeOptions,
  type AnalyzeResult,
  type Checkpoint,
} from "./analyze.ts";
export { estimateLlc, type LlcOptions, type LlcEstimate } from "../diagnostics/llc.ts";
export { shockProximity, bimodalityCoefficient, BIMODALITY_THRESHOLD } from "../diagnostics/shockProximity.ts";
