/**
 * The training monitor as a train-loop callback (docs/monitor.md §library; it lives with the loop,
 * which the monitor's engine, observables and detectors know nothing of): every k steps it measures the
 * chosen observables on a fixed batch of training samples, stores them as scalars
 * `monitor/<kind>/<name>` with the step, and runs change detection, forecasts and alerts over
 * them, stored as events in the same step's record. k is fixed (`every`) or adapts to the time
 * budget (../monitor/budget.ts: k = ⌈c_obs / (budget · c_step)⌉ from the wall times measured as
 * the run goes) so that the monitor's share of the training time stays at about `budget`. The
 * measured overhead is stored (`monitor/overhead`, and the final `monitor_summary` event) and
 * printed at the end.
 */
import { key } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import type { LossName, ModelConfig } from "../nn/index.ts";
import { takeRows } from "../data/split.ts";
import type { Callback, StepRecord } from "./loop.ts";
import { BudgetInterval } from "../monitor/budget.ts";
import { budgetFraction, type MonitorConfig } from "../monitor/config.ts";
import { MonitorEngine, type MonitorEvent, type Warning } from "../monitor/engine.ts";
import { DEFAULT_OBSERVABLES, scalarKey, type MonitorKind } from "../monitor/observables.ts";
import { ObservableProbe } from "../monitor/probe.ts";

export interface MonitorCallbackOptions {
  config: MonitorConfig;
  model: ModelConfig;
  loss: LossName;
  /** The training split; the first `config.batch` rows are the monitor batch. */
  train: { x: Tensor; y: Tensor };
  /** Seeds the probe's draws when config.seed is not set. */
  seed: number;
  /** Where the end-of-run summary line goes (default: nowhere). */
  log?: (line: string) => void;
}

export interface MonitorReport {
  observations: number;
  /** Mean steps between observations. */
  meanInterval: number;
  monitorSeconds: number;
  trainSeconds: number;
  /** monitorSeconds / trainSeconds. */
  overhead: number;
  /** The budget (a fraction), or null with a fixed interval. */
  budget: number | null;
  transitionStep: number | null;
  warnings: Warning[];
  kinds: Record<string, MonitorKind>;
}

export type MonitorCallback = Callback & { report(): MonitorReport; readonly engine: MonitorEngine };

function record(rec: StepRecord, events: MonitorEvent[]): void {
  for (const e of events) rec.events.push(e);
}

export function monitorCallback(o: MonitorCallbackOptions): MonitorCallback {
  const c = o.config;
  const n = Math.min(c.batch, o.train.x.shape[0]);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const names = c.observables ?? DEFAULT_OBSERVABLES;
  const probe = new ObservableProbe({
    cfg: o.model,
    loss: o.loss,
    x: takeRows(o.train.x, rows),
    y: takeRows(o.train.y, rows),
    names,
    hessianSteps: c.hessian.steps,
    warmStart: c.hessian.warmStart,
    traceSamples: c.hessian.traceSamples,
    llc: c.llc,
    shockProximity: c.shockProximity,
    key: key(c.seed ?? o.seed),
  });
  const budget = c.every === undefined ? budgetFraction(c.budget) : null;
  const interval = budget === null ? null : new BudgetInterval(budget, c.minEvery, c.maxEvery);
  let engine: MonitorEngine | null = null;
  let total = 0;
  let nextAt = 1;
  let observations = 0;
  let firstStep = 0;
  let lastStep = 0;
  let monitorMs = 0;
  let trainMs = 0;
  let mark = 0;
  const eng = (): MonitorEngine => {
    if (!engine) throw new Error("monitor: onStart was not called");
    return engine;
  };
  const report = (): MonitorReport => ({
    observations,
    meanInterval: observations > 1 ? (lastStep - firstStep) / (observations - 1) : 0,
    monitorSeconds: monitorMs / 1000,
    trainSeconds: trainMs / 1000,
    overhead: trainMs > 0 ? monitorMs / trainMs : 0,
    budget,
    transitionStep: eng().transitionStep,
    warnings: eng().warnings(),
    kinds: { ...eng().kinds },
  });
  return {
    get engine() {
      return eng();
    },
    report,
    onStart(state, totalSteps) {
      total = totalSteps;
      engine = new MonitorEngine(c, c.forecast.horizon ?? Math.max(1, Math.round(totalSteps / 4)));
      probe.setReference(state.params);
      nextAt = state.step + 1;
      mark = performance.now();
    },
    onEval(step, metrics, rec) {
      record(rec, eng().evaluation(step, metrics));
    },
    onStep(info) {
      const t0 = performance.now();
      trainMs += t0 - mark;
      const rec = info.record;
      record(rec, eng().stepLoss(info.step, info.loss));
      if (info.step >= nextAt || info.step === total) {
        const m = probe.measure(info.state.params, info.step, info.lr);
        for (const [name, v] of Object.entries(m.values)) rec.scalars[scalarKey(m.kinds[name], name)] = v;
        record(rec, eng().observe(info.step, m));
        const ms = performance.now() - t0;
        monitorMs += ms;
        if (observations === 0) firstStep = info.step;
        observations++;
        lastStep = info.step;
        const k = interval === null ? (c.every ?? 1) : interval.observed(ms, trainMs, info.step - (firstStep - 1));
        nextAt = info.step + k;
        rec.scalars["monitor/interval"] = k;
        rec.scalars["monitor/overhead"] = trainMs > 0 ? monitorMs / trainMs : 0;
      } else monitorMs += performance.now() - t0;
      if (info.step === total) {
        const r = report();
        rec.events.push({
          kind: "monitor_summary",
          payload: {
            observations: r.observations,
            meanInterval: r.meanInterval,
            monitorSeconds: r.monitorSeconds,
            trainSeconds: r.trainSeconds,
            overhead: r.overhead,
            budget: r.budget,
            transitionStep: r.transitionStep,
          },
        });
      }
      mark = performance.now();
    },
    onEnd() {
      if (!o.log || !engine) return;
      const r = report();
      const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
      o.log(
        `monitor: ${r.observations} observations, every ${r.meanInterval.toFixed(1)} steps on average; ` +
          `${r.monitorSeconds.toFixed(2)} s monitoring for ${r.trainSeconds.toFixed(2)} s training = overhead ${pct(r.overhead)}` +
          (r.budget !== null ? ` (budget ${pct(r.budget)})` : ""),
      );
    },
  };
}
