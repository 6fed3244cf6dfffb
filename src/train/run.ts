/**
 * A training run in the run store, start to finish: `trainRun` validates and prepares everything
 * before creating the run (a bad config creates nothing), trains with checkpoints beside the store
 * (`<store>.runs/<run id>/`), and ends the run FINISHED (with torch-named `weights.safetensors`)
 * or FAILED. A divergence — a non-finite loss, gradient or update — is a `divergence` event naming
 * the step and the cause; the last good checkpoint stays. An interrupted run (abort signal)
 * checkpoints and stays RUNNING, so `resume` continues it exactly like a killed one.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { saveTree } from "../nn/files.ts";
import type { RunStore } from "../store/types.ts";
import { type CheckpointInfo, type TrainState, checkpointStep, readCheckpoint } from "./checkpoint.ts";
import { parseRunConfig, type RunConfig } from "./config.ts";
import { type Callback, type Divergence, trainLoop } from "./loop.ts";
import { prepareRun, type PreparedRun } from "./setup.ts";
import { StoreSink } from "./storeSink.ts";
import { monitorCallback, type MonitorReport } from "../monitor/callback.ts";

export interface TrainRunOptions {
  store: RunStore;
  /** A new run from this config… */
  config?: RunConfig;
  /** Where the config came from, for error messages (e.g. "config run.yaml"). */
  source?: string;
  /** …or continue this run (id or unique prefix) from its last checkpoint. */
  resume?: string;
  callbacks?: readonly Callback[];
  signal?: AbortSignal;
  /** Called once the run exists, before the first step. */
  onRun?(run: RunHandle): void;
  /** Where the monitor's end-of-run summary line goes (when the config has a monitor section). */
  log?(line: string): void;
}

export interface RunHandle {
  id: string;
  name: string;
  totalSteps: number;
  /** The checkpoint step a resumed run continues from (0 when it had none), null for a new run. */
  resumedFrom: number | null;
  dir: string;
}

export interface TrainRunResult extends RunHandle {
  status: "FINISHED" | "FAILED" | "INTERRUPTED";
  /** Steps taken (for a divergence: the last good step). */
  step: number;
  metrics: Record<string, number>;
  /** The newest checkpoint written or resumed from. */
  checkpoint: string | null;
  /** weights.safetensors (torch state_dict names) of a finished run. */
  weights: string | null;
  divergence?: Divergence;
  seconds: number;
  /** What the monitor measured, when the config has a monitor section. */
  monitor?: MonitorReport;
}

/** Where a run's checkpoints and weights live: next to the store. */
export function runDir(storePath: string, runId: string): string {
  return join(`${storePath}.runs`, runId);
}

function checkpointInfo(runId: string, p: PreparedRun): CheckpointInfo {
  return { runId, optimizer: p.optimizer.name, keys: { sampler: p.keys.sampler, opt: p.keys.opt } };
}

/** The newest registered checkpoint of the run that still reads back, or null. */
function latestCheckpoint(store: RunStore, runId: string, p: PreparedRun): { state: TrainState; path: string } | null {
  const found = store
    .artifacts(runId)
    .filter((a) => a.kind === "checkpoint")
    .map((a) => ({ path: a.path, step: checkpointStep(a.path.split(/[\\/]/).pop() ?? "") ?? -1 }))
    .sort((a, b) => b.step - a.step);
  const fresh = p.initialState();
  const want = JSON.stringify(checkpointInfo(runId, p).keys);
  for (const { path } of found) {
    let r: ReturnType<typeof readCheckpoint>;
    try {
      r = readCheckpoint(path, fresh);
    } catch {
      continue; // pruned or damaged: fall back to an older one
    }
    if (JSON.stringify(r.info.keys) !== want)
      throw new InputError(`checkpoint ${path} was written with other keys than run ${runId}'s config gives`);
    return { state: r.state, path };
  }
  return null;
}

/** The highest step the store already holds a scalar or event of, −1 if none. */
function loggedThrough(store: RunStore, runId: string): number {
  let s = -1;
  for (const v of Object.values(store.getRun(runId).lastScalars)) s = Math.max(s, v.step);
  for (const e of store.events(runId)) s = Math.max(s, e.step);
  return s;
}

export async function trainRun(o: TrainRunOptions): Promise<TrainRunResult> {
  const t0 = performance.now();
  const { store } = o;
  if ((o.config === undefined) === (o.resume === undefined))
    throw new InputError("train: give a config for a new run or the id of a run to resume, not both");
  let runId: string,
    prepared: PreparedRun,
    start: TrainState,
    resumedFrom: number | null = null,
    checkpoint: string | null = null,
    logged = -1;
  if (o.resume !== undefined) {
    runId = store.resolveRunId(o.resume);
    const run = store.getRun(runId);
    if (run.status !== "RUNNING" && run.status !== "KILLED") {
      throw new InputError(
        `run ${runId} is ${run.status}; only a KILLED (interrupted) or RUNNING (crashed) run can be resumed`,
      );
    }
    if (run.status === "KILLED") store.setStatus(runId, "RUNNING");
    prepared = prepareRun(parseRunConfig(run.config, `run ${runId} config`), `run ${runId} config`);
    const found = latestCheckpoint(store, runId, prepared);
    start = found?.state ?? prepared.initialState();
    checkpoint = found?.path ?? null;
    resumedFrom = start.step;
    logged = loggedThrough(store, runId);
  } else {
    const config = o.config as RunConfig;
    prepared = prepareRun(config, o.source);
    start = prepared.initialState();
    runId = store.createRun({
      name: config.name ?? `${config.model.arch}-${config.data.name}`,
      experiment: config.experiment,
      config,
      seed: config.seed,
    }).id;
  }
  const name = store.getRun(runId).name;
  const dir = runDir(store.path, runId);
  const handle: RunHandle = { id: runId, name, totalSteps: prepared.totalSteps, resumedFrom, dir };
  const sink = new StoreSink(
    store,
    runId,
    dir,
    checkpointInfo(runId, prepared),
    prepared.config.keepCheckpoints,
    logged,
  );
  const cfg = prepared.config;
  const monitor = cfg.monitor
    ? monitorCallback({
        config: cfg.monitor,
        model: cfg.model,
        loss: prepared.loss,
        train: prepared.task.train,
        seed: cfg.seed,
        log: o.log,
      })
    : null;
  let result;
  try {
    mkdirSync(dir, { recursive: true });
    if (resumedFrom !== null)
      store.logEvent(runId, { step: resumedFrom, kind: "resumed", payload: { fromStep: resumedFrom, checkpoint } });
    store.heartbeat(runId);
    o.onRun?.(handle);
    const callbacks = [...(o.callbacks ?? []), ...(monitor ? [monitor] : [])];
    result = await trainLoop(prepared.loopOptions(start, { callbacks, sink, signal: o.signal }));
  } catch (err) {
    // A failure of the machinery (disk full, a callback throwing) ends the run: it cannot be trusted to resume.
    try {
      store.setStatus(runId, "FAILED", { error: err instanceof Error ? err.message : String(err) });
    } catch {
      // The store itself may be what failed; the original error is the one to report.
    }
    throw err;
  }
  checkpoint = sink.lastCheckpoint?.path ?? checkpoint;
  const base = {
    ...handle,
    ...(monitor ? { monitor: monitor.report() } : {}),
    step: result.state.step,
    metrics: result.metrics,
    checkpoint,
    weights: null as string | null,
  };
  const seconds = () => (performance.now() - t0) / 1000;
  if (result.status === "diverged") {
    const d = result.divergence as Divergence;
    store.logEvent(runId, {
      step: d.step,
      kind: "divergence",
      payload: { what: d.what, cause: d.cause, lastCheckpoint: checkpoint },
    });
    store.setStatus(runId, "FAILED", { error: `diverged: ${d.cause}` });
    return { ...base, status: "FAILED", divergence: d, seconds: seconds() };
  }
  if (result.status === "interrupted") {
    store.transaction(() => {
      store.logEvent(runId, { step: result.state.step, kind: "interrupted", payload: { checkpoint } });
      store.setStatus(runId, "KILLED", { error: "interrupted by the user" });
    });
    return { ...base, status: "INTERRUPTED", seconds: seconds() };
  }
  const weights = join(dir, "weights.safetensors");
  saveTree(weights, result.state.params, "", {
    producer: "shocklens train",
    run: runId,
    step: String(result.state.step),
  });
  store.transaction(() => {
    store.addArtifact(runId, { name: "weights.safetensors", kind: "weights", path: weights });
    store.setStatus(runId, "FINISHED");
  });
  return { ...base, weights, status: "FINISHED", seconds: seconds() };
}
