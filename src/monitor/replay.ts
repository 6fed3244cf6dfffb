/**
 * Replays a stored run through a fresh monitor engine: the `monitor/<kind>/<name>` scalars of each
 * step become one measurement, the evaluation metrics (`test/…`, `train/…` at evaluation steps)
 * mark the transition — in the loop's order (evaluation, then observation, at each step). The
 * engine then holds the same change points, forecasts and lead times the run's monitor produced,
 * which is how a family of runs is scored (score.ts), also with other detector settings.
 */
import type { RunStore } from "../store/types.ts";
import { MonitorEngine, type EngineSettings } from "./engine.ts";
import { MONITOR_OBSERVABLES, type Measurement, type MonitorKind } from "./observables.ts";

const KINDS: readonly MonitorKind[] = ["raw", "quotient", "charge"];

/** Whether a series (its name before any ".<component>") is read on a log scale. */
export function isPositive(name: string): boolean {
  const base = name.split(".")[0];
  return MONITOR_OBSERVABLES.find((o) => o.name === base)?.positive ?? false;
}

export interface StoredSeries {
  /** Steps with a monitor measurement, ascending, and the measurement at each. */
  observations: { step: number; m: Measurement }[];
  /** Evaluation metrics by step. */
  evaluations: Map<number, Record<string, number>>;
  lastStep: number;
}

export function readSeries(store: Pick<RunStore, "iterScalars">, runId: string): StoredSeries {
  const obs = new Map<number, Measurement>();
  const evaluations = new Map<number, Record<string, number>>();
  let lastStep = 0;
  for (const p of store.iterScalars(runId)) {
    lastStep = Math.max(lastStep, p.step);
    const parts = p.key.split("/");
    if (parts[0] === "monitor" && parts.length === 3 && KINDS.includes(parts[1] as MonitorKind)) {
      const m = obs.get(p.step) ?? { values: {}, kinds: {}, positive: {}, seconds: 0 };
      m.values[parts[2]] = p.value;
      m.kinds[parts[2]] = parts[1] as MonitorKind;
      m.positive[parts[2]] = isPositive(parts[2]);
      obs.set(p.step, m);
    } else if (/^(test|train)\/(accuracy|loss)$/.test(p.key)) {
      const e = evaluations.get(p.step) ?? {};
      e[p.key] = p.value;
      evaluations.set(p.step, e);
    }
  }
  const observations = [...obs.entries()].sort((a, b) => a[0] - b[0]).map(([step, m]) => ({ step, m }));
  return { observations, evaluations, lastStep };
}

/** Feeds stored series through a new engine, step by step. */
export function replay(series: StoredSeries, settings: EngineSettings, horizon: number): MonitorEngine {
  const engine = new MonitorEngine(settings, horizon);
  const steps = [...new Set([...series.evaluations.keys(), ...series.observations.map((o) => o.step)])].sort(
    (a, b) => a - b,
  );
  const byStep = new Map(series.observations.map((o) => [o.step, o.m]));
  for (const s of steps) {
    const e = series.evaluations.get(s);
    if (e) engine.evaluation(s, e);
    const m = byStep.get(s);
    if (m) engine.observe(s, m);
  }
  return engine;
}
