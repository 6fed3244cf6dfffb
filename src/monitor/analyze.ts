/**
 * The monitor over checkpoints saved elsewhere (docs/monitor.md §analyze): a series of safetensors
 * files holding a model's state_dict (PyTorch names, any float dtype; a shocklens checkpoint's
 * `params.<name>` tensors are read the same way and its `opt.*` tensors ignored) becomes a run in
 * the store with the same observables, change points, forecasts and events as a monitored training
 * run. The step of a file is its `step` metadata when present, else the last integer in its name.
 *
 * Every file is read and checked before anything is stored: a step that cannot be read, two files
 * with one step, a tensor shape that differs from the series' first file, or a file that does not
 * fit the model is an InputError naming the file.
 */
import { basename } from "node:path";
import { key } from "../core/random.ts";
import { Tensor } from "../core/tensor.ts";
import { InputError } from "../errors.ts";
import { readSafetensors } from "../io/safetensors.ts";
import { toFloat64 } from "../io/ndarray.ts";
import { loadNamed } from "../nn/files.ts";
import { modelOf, type LossName, type ModelConfig } from "../nn/index.ts";
import type { RunStore } from "../store/types.ts";
import type { Tree } from "../core/tree.ts";
import { monitorConfig, type MonitorConfigInput } from "./config.ts";
import { MonitorEngine, type MonitorEvent } from "./engine.ts";
import { DEFAULT_OBSERVABLES, observableSpec, scalarKey, type MonitorKind } from "./observables.ts";
import { ObservableProbe } from "./probe.ts";

export interface Checkpoint {
  file: string;
  step: number;
  params: Tree;
}

/** The step of a checkpoint: its `step` metadata, else the last integer in the file name. */
export function checkpointStepOf(file: string, metadata: Record<string, string>): number {
  const m = metadata.step;
  if (m !== undefined) {
    if (!/^\d+$/.test(m.trim()) || !Number.isSafeInteger(Number(m)))
      throw new InputError(`checkpoint ${file}: its "step" metadata is "${m}", expected a non-negative integer`);
    return Number(m);
  }
  const digits = basename(file).match(/\d+/g);
  if (!digits) throw new InputError(`checkpoint ${file}: no step in its file name or in a "step" metadata entry`);
  const s = Number(digits[digits.length - 1]);
  if (!Number.isSafeInteger(s))
    throw new InputError(`checkpoint ${file}: step ${digits[digits.length - 1]} is too large`);
  return s;
}

/** Reads, checks and orders a checkpoint series (ascending steps). */
export function readCheckpointSeries(files: readonly string[], cfg: ModelConfig): Checkpoint[] {
  const model = modelOf(cfg);
  let first: { file: string; shapes: Map<string, number[]> } | null = null;
  const out: Checkpoint[] = [];
  const byStep = new Map<number, string>();
  for (const file of files) {
    const { tensors, metadata } = readSafetensors(file);
    const step = checkpointStepOf(file, metadata);
    const other = byStep.get(step);
    if (other !== undefined) throw new InputError(`checkpoint ${file}: step ${step} is also the step of ${other}`);
    byStep.set(step, file);
    const isShocklens = [...tensors.keys()].some((n) => n.startsWith("params."));
    const named = new Map<string, Tensor>();
    const shapes = new Map<string, number[]>();
    for (const [name, arr] of tensors) {
      if (isShocklens && !name.startsWith("params.")) continue;
      const n = isShocklens ? name.slice("params.".length) : name;
      const data = toFloat64(arr);
      const bad = data.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0)
        throw new InputError(`checkpoint ${file}: tensor "${name}" holds ${data[bad]} at flat index ${bad}`);
      named.set(n, new Tensor(data, [...arr.shape]));
      shapes.set(n, [...arr.shape]);
    }
    if (first) {
      for (const [n, s] of shapes) {
        const f = first.shapes.get(n);
        if (!f || f.length !== s.length || f.some((d, i) => d !== s[i]))
          throw new InputError(
            `checkpoint ${file}: tensor "${n}" has shape [${s}] but ${first.file} has ` +
              `${f ? `[${f}]` : "no such tensor"} (mixed shapes in one series)`,
          );
      }
      for (const n of first.shapes.keys())
        if (!shapes.has(n)) throw new InputError(`checkpoint ${file}: tensor "${n}" of ${first.file} is missing`);
    } else first = { file, shapes };
    out.push({ file, step, params: loadNamed(named, model, `checkpoint ${file}`) });
  }
  return out.sort((a, b) => a.step - b.step);
}

export interface AnalyzeOptions {
  store: RunStore;
  model: ModelConfig;
  checkpoints: Checkpoint[];
  data?: { x: Tensor; y: Tensor; loss: LossName; file?: string };
  /** Learning rate of the training run, for sharpness × η/2 (without it those are not measured). */
  lr?: number;
  /** What to measure (default: the defaults that the inputs allow). */
  observables?: string[];
  hessian?: boolean;
  /** Monitor settings (detectors, forecasts, hessian steps…), as in a run config's monitor section. */
  monitor?: MonitorConfigInput;
  name?: string;
  /** What the series was given as (a glob), stored with the run. */
  source?: string;
  seed?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface AnalyzeResult {
  run: string;
  steps: number[];
  observables: Record<string, (number | null)[]>;
  kinds: Record<string, MonitorKind>;
  events: ({ step: number; kind: string } & Record<string, unknown>)[];
  seconds: number;
}

/** The observables a series can give: parameter ones always, data ones with data, Hessian ones unless off, η ones with lr. */
export function analyzeObservables(o: Pick<AnalyzeOptions, "data" | "lr" | "hessian" | "observables">): string[] {
  if (o.observables) return o.observables;
  return DEFAULT_OBSERVABLES.filter((n) => {
    const s = observableSpec(n);
    if (s.needs !== "params" && !o.data) return false;
    if (s.needs === "hessian" && o.hessian === false) return false;
    if (/SharpnessRatio$|^sharpnessRatio$/.test(n) && o.lr === undefined) return false;
    return true;
  });
}

/** Every observable but the parameter ones needs data. */
export function checkObservables(names: readonly string[], hasData: boolean): void {
  for (const n of names)
    if (observableSpec(n).needs !== "params" && !hasData)
      throw new InputError(`--observables: ${n} needs data (--data <file>)`);
}

export function analyzeCheckpoints(o: AnalyzeOptions): AnalyzeResult {
  const t0 = performance.now();
  const cps = o.checkpoints;
  if (cps.length === 0) throw new InputError("analyze: no checkpoints");
  const names = analyzeObservables(o);
  checkObservables(names, o.data !== undefined);
  const settings = monitorConfig.parse(o.monitor ?? {});
  const probe = o.data
    ? new ObservableProbe({
        cfg: o.model,
        loss: o.data.loss,
        x: o.data.x,
        y: o.data.y,
        names,
        hessianSteps: settings.hessian.steps,
        warmStart: settings.hessian.warmStart,
        traceSamples: settings.hessian.traceSamples,
        llc: settings.llc,
        shockProximity: settings.shockProximity,
        key: key(settings.seed ?? o.seed ?? 0),
      })
    : null;
  const paramsProbe =
    probe ??
    new ObservableProbe({
      cfg: o.model,
      loss: "mse",
      x: new Tensor(new Float64Array(0), [0]),
      y: new Tensor(new Float64Array(0), [0]),
      names,
      key: key(0),
    });
  const span = cps[cps.length - 1].step - cps[0].step;
  const engine = new MonitorEngine(settings, settings.forecast.horizon ?? Math.max(1, Math.round(span / 4)));
  const { store } = o;
  const run = store.createRun({
    name: o.name ?? `analyze-${o.model.arch}`,
    experiment: "analyze",
    config: {
      model: o.model,
      checkpoints: o.source ?? null,
      files: cps.map((c) => c.file),
      data: o.data?.file ?? null,
      loss: o.data?.loss ?? null,
      lr: o.lr ?? null,
      observables: names,
    },
  }).id;
  const steps: number[] = [];
  const observables: Record<string, (number | null)[]> = {};
  const kinds: Record<string, MonitorKind> = {};
  const events: AnalyzeResult["events"] = [];
  try {
    paramsProbe.setReference(cps[0].params);
    cps.forEach((c, i) => {
      const m = paramsProbe.measure(c.params, c.step, o.lr ?? NaN);
      const evs: MonitorEvent[] = engine.observe(c.step, m);
      store.transaction(() => {
        store.logScalars(
          run,
          c.step,
          Object.fromEntries(Object.entries(m.values).map(([n, v]) => [scalarKey(m.kinds[n], n), v])),
        );
        for (const e of evs) store.logEvent(run, { step: c.step, kind: e.kind, payload: e.payload });
      });
      steps.push(c.step);
      for (const [n, v] of Object.entries(m.values)) {
        kinds[n] = m.kinds[n];
        (observables[n] ??= new Array(i).fill(null)).push(Number.isFinite(v) ? v : null);
      }
      for (const e of evs) events.push({ step: c.step, kind: e.kind, ...e.payload });
      o.onProgress?.(i + 1, cps.length);
    });
    store.setStatus(run, "FINISHED");
  } catch (err) {
    store.setStatus(run, "FAILED", { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
  return { run, steps, observables, kinds, events, seconds: (performance.now() - t0) / 1000 };
}
