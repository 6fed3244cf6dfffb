/**
 * A training run in the run store, start to finish: `trainRun` validates and prepares everything
 * before creating the run (a bad config creates nothing), takes the run's lease (one owner at a
 * time), trains with checkpoints beside the store (`<store>.runs/<run id>/`), and ends the run
 * FINISHED (with torch-named `weights.safetensors`) or FAILED. FAILED is only for a divergence — a
 * non-finite loss, gradient or update, reported as a `divergence` event naming the step and the
 * cause; the last good checkpoint stays. Anything else that stops a run (a full disk, an I/O error,
 * a store locked too long, an abort signal) leaves it KILLED and resumable (docs/store.md §faults).
 * A resume continues from the newest checkpoint that verifies against the store (verify.ts).
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../errors.ts";
import { saveTree } from "../nn/files.ts";
import type { Lease, RunStore } from "../store/types.ts";
import type { CheckpointInfo, TrainState } from "./checkpoint.ts";
import { parseRunConfig, type RunConfig } from "./config.ts";
import { stopOnFault } from "./faults.ts";
import { type Callback, type Divergence, trainLoop } from "./loop.ts";
import { prepareRun, type PreparedRun } from "./setup.ts";
import { checkInputDigests, inputDigests } from "./inputFiles.ts";
import { StoreSink } from "./storeSink.ts";
import { chooseCheckpoint } from "./verify.ts";
import { monitorCallback, type MonitorReport } from "./monitorCallback.ts";

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
  /** Called once the run exists and is owned by this process, before the first step. */
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
  /** How init.weights' tensor names were mapped onto the model's (empty when they matched as they are). */
  notes: string[];
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

/** The highest step the store already holds a scalar or event of, −1 if none. */
function loggedThrough(store: RunStore, runId: string): number {
  let s = -1;
  for (const v of Object.values(store.getRun(runId).lastScalars)) s = Math.max(s, v.step);
  for (const e of store.events(runId)) s = Math.max(s, e.step);
  return s;
}

interface Started {
  runId: string;
  lease: Lease;
  prepared: PreparedRun;
  start: TrainState;
  resumedFrom: number | null;
  checkpoint: string | null;
  logged: number;
}

/** A new run: prepared first (a bad config creates nothing), then created with its lease in one transaction. */
function startNew(store: RunStore, config: RunConfig, source: string | undefined): Started {
  const prepared = prepareRun(config, source);
  const { run, lease } = store.startRun({
    name: config.name ?? `${config.model.arch}-${config.data.name}`,
    experiment: config.experiment,
    config,
    seed: config.seed,
    tags: inputDigests(config),
  });
  const start = prepared.initialState();
  if (config.init)
    store.logEvent(run.id, { step: 0, kind: "init", payload: { weights: config.init.weights, notes: prepared.notes } });
  return { runId: run.id, lease, prepared, start, resumedFrom: null, checkpoint: null, logged: -1 };
}

/**
 * A resumed run: its lease is taken (refused while a live process owns it), its checkpoints are
 * verified, and only then is anything written — the takeover, rejected checkpoints and the resume
 * as events, KILLED → RUNNING — in one transaction.
 */
function resumeExisting(store: RunStore, ref: string): Started {
  const runId = store.resolveRunId(ref);
  const run = store.getRun(runId);
  if (run.status !== "RUNNING" && run.status !== "KILLED")
    throw new InputError(
      `run ${runId} is ${run.status}; only a KILLED (interrupted) or RUNNING (crashed) run can be resumed`,
    );
  const config = parseRunConfig(run.config, `run ${runId} config`);
  checkInputDigests(config, run.tags, runId);
  const prepared = prepareRun(config, `run ${runId} config`);
  const lease = store.claimRun(runId);
  try {
    const fresh = prepared.initialState();
    const choice = chooseCheckpoint(store, runId, fresh, checkpointInfo(runId, prepared).keys);
    const start = choice.found?.state ?? fresh;
    const logged = loggedThrough(store, runId);
    const checkpoint = choice.found?.path ?? null;
    store.transaction(() => {
      store.checkLease(lease);
      if (lease.tookOver) {
        const { reason, ...previous } = lease.tookOver;
        store.logEvent(runId, { step: start.step, kind: "lease_takeover", payload: { previous, reason } });
      }
      for (const r of choice.rejected)
        store.logEvent(runId, {
          step: r.step,
          kind: "checkpoint_rejected",
          payload: { path: r.path, reason: r.reason },
        });
      if (store.getRun(runId).status === "KILLED") store.setStatus(runId, "RUNNING");
      store.logEvent(runId, { step: start.step, kind: "resumed", payload: { fromStep: start.step, checkpoint } });
    });
    return { runId, lease, prepared, start, resumedFrom: start.step, checkpoint, logged };
  } catch (err) {
    store.releaseLease(lease);
    throw err;
  }
}

export async function trainRun(o: TrainRunOptions): Promise<TrainRunResult> {
  const t0 = performance.now();
  const { store } = o;
  if ((o.config === undefined) === (o.resume === undefined))
    throw new InputError("train: give a config for a new run or the id of a run to resume, not both");
  const started =
    o.resume !== undefined ? resumeExisting(store, o.resume) : startNew(store, o.config as RunConfig, o.source);
  const { runId, lease, prepared, resumedFrom, logged } = started;
  const name = store.getRun(runId).name;
  const dir = runDir(store.path, runId);
  const handle: RunHandle = {
    id: runId,
    name,
    totalSteps: prepared.totalSteps,
    resumedFrom,
    dir,
    notes: resumedFrom === null ? prepared.notes : [],
  };
  const info = checkpointInfo(runId, prepared);
  const sink = new StoreSink(store, lease, dir, info, prepared.config.keepCheckpoints, logged);
  const seconds = () => (performance.now() - t0) / 1000;
  try {
    mkdirSync(dir, { recursive: true });
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
    store.renewLease(lease);
    o.onRun?.(handle);
    const result = await trainLoop(
      prepared.loopOptions(started.start, {
        callbacks: [...(o.callbacks ?? []), ...(monitor ? [monitor] : [])],
        sink,
        signal: o.signal,
      }),
    );
    const checkpoint = sink.lastCheckpoint?.path ?? started.checkpoint;
    const base = {
      ...handle,
      ...(monitor ? { monitor: monitor.report() } : {}),
      step: result.state.step,
      metrics: result.metrics,
      checkpoint,
      weights: null,
    };
    if (result.status === "diverged") {
      const d = result.divergence as Divergence;
      store.transaction(() => {
        store.checkLease(lease);
        store.logEvent(runId, {
          step: d.step,
          kind: "divergence",
          payload: { what: d.what, cause: d.cause, lastCheckpoint: checkpoint && resolve(checkpoint) },
        });
        store.setStatus(runId, "FAILED", { error: `diverged: ${d.cause}` });
        store.releaseLease(lease);
      });
      return { ...base, status: "FAILED", divergence: d, seconds: seconds() };
    }
    if (result.status === "interrupted") {
      store.transaction(() => {
        store.checkLease(lease);
        store.logEvent(runId, {
          step: result.state.step,
          kind: "interrupted",
          payload: { checkpoint: checkpoint && resolve(checkpoint) },
        });
        store.setStatus(runId, "KILLED", { error: "interrupted by the user" });
        store.releaseLease(lease);
      });
      return { ...base, status: "INTERRUPTED", seconds: seconds() };
    }
    store.checkLease(lease);
    const weights = join(dir, "weights.safetensors");
    saveTree(weights, result.state.params, "", {
      producer: "shocklens train",
      run: runId,
      step: String(result.state.step),
    });
    store.transaction(() => {
      store.checkLease(lease);
      store.addArtifact(runId, { name: "weights.safetensors", kind: "weights", path: weights });
      store.setStatus(runId, "FINISHED");
      store.releaseLease(lease);
    });
    return { ...base, weights, status: "FINISHED", seconds: seconds() };
  } catch (err) {
    throw stopOnFault(store, lease, err, Math.max(sink.lastStep, started.start.step));
  }
}
