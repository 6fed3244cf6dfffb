/**
 * Checkpoints: everything a run needs to continue bit-identically, in one safetensors file —
 * params as `params.<name>` (torch state_dict names), optimizer state as `opt.<entry>.<name>`, and
 * in the metadata the step, the sampler position, the optimizer's numbers and the run's keys.
 * Files are written atomically (temp file, fsync, rename), so a crash mid-write leaves the
 * previous checkpoint intact and never a torn one.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../core/tensor.ts";
import type { Key } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { processGone } from "../io/files.ts";
import { decodeSafetensors, readSafetensors, writeSafetensors, type SafetensorsFile } from "../io/safetensors.ts";
import { toFloat64, type NDArray } from "../io/ndarray.ts";
import { stateFromNamed, stateToNamed } from "../optim/state.ts";
import type { OptState } from "../optim/types.ts";
import { type Tree, fromNamed, namedLeaves } from "../core/tree.ts";

export const CHECKPOINT_FORMAT = "shocklens-checkpoint/1";

/** Where a run stands between two steps. */
export interface TrainState {
  /** Optimizer steps taken. */
  step: number;
  params: Tree;
  opt: OptState;
  /** Mini-batches drawn so far (the sampler's whole state). */
  position: number;
}

export interface CheckpointInfo {
  runId: string;
  optimizer: string;
  /** The keys of the batch sampler and of the optimizer noise (per-step keys are folded from them). */
  keys: { sampler: Key; opt: Key };
}

const PATTERN = /^checkpoint-(\d+)\.safetensors$/;

export function checkpointPath(dir: string, step: number): string {
  return join(dir, `checkpoint-${String(step).padStart(8, "0")}.safetensors`);
}

/** The step a checkpoint file name encodes, or undefined for other files. */
export function checkpointStep(fileName: string): number | undefined {
  const m = PATTERN.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

export function writeCheckpoint(path: string, state: TrainState, info: CheckpointInfo): void {
  const tensors = new Map<string, NDArray>();
  const f64 = (t: Tensor): NDArray => ({ dtype: "F64", shape: [...t.shape], data: t.data });
  for (const [n, t] of namedLeaves(state.params)) tensors.set(`params.${n}`, f64(t));
  const { tensors: opt, numbers } = stateToNamed(state.opt);
  for (const [n, t] of opt) tensors.set(`opt.${n}`, f64(t));
  writeSafetensors(path, tensors, {
    format: CHECKPOINT_FORMAT,
    run: info.runId,
    step: String(state.step),
    position: String(state.position),
    optimizer: info.optimizer,
    opt: JSON.stringify(numbers),
    keys: JSON.stringify(info.keys),
  });
}

/**
 * Reads a checkpoint into the structure of `template` (the fresh params and optimizer state of the
 * run's config); any mismatch is an InputError naming the file.
 */
export function readCheckpoint(
  path: string,
  template: { params: Tree; opt: OptState },
): { state: TrainState; info: CheckpointInfo } {
  return checkpointFrom(readSafetensors(path), path, template);
}

/** `readCheckpoint` of bytes already read (so a digest and the decoded state come from the same read). */
export function decodeCheckpoint(
  bytes: Uint8Array,
  path: string,
  template: { params: Tree; opt: OptState },
): { state: TrainState; info: CheckpointInfo } {
  return checkpointFrom(decodeSafetensors(bytes, path), path, template);
}

function checkpointFrom(
  file: SafetensorsFile,
  path: string,
  template: { params: Tree; opt: OptState },
): { state: TrainState; info: CheckpointInfo } {
  const { tensors, metadata } = file;
  const fail = (why: string): never => {
    throw new InputError(`checkpoint ${path}: ${why}`);
  };
  if (metadata.format !== CHECKPOINT_FORMAT)
    fail(`not a shocklens checkpoint (format ${JSON.stringify(metadata.format)})`);
  const params = new Map<string, Tensor>();
  const opt = new Map<string, Tensor>();
  for (const [name, arr] of tensors) {
    const t = new Tensor(toFloat64(arr), [...arr.shape]);
    if (name.startsWith("params.")) params.set(name.slice(7), t);
    else if (name.startsWith("opt.")) opt.set(name.slice(4), t);
    else fail(`unexpected tensor ${name}`);
  }
  const step = Number(metadata.step),
    position = Number(metadata.position);
  if (!Number.isSafeInteger(step) || step < 0 || !Number.isSafeInteger(position) || position < 0)
    fail("bad step or position");
  try {
    return {
      state: {
        step,
        position,
        params: fromNamed(template.params, params),
        opt: stateFromNamed(template.opt, opt, JSON.parse(metadata.opt ?? "{}") as Record<string, unknown>),
      },
      info: {
        runId: metadata.run ?? "",
        optimizer: metadata.optimizer ?? "",
        keys: JSON.parse(metadata.keys ?? "null") as CheckpointInfo["keys"],
      },
    };
  } catch (err) {
    if (err instanceof InputError) throw err;
    return fail(`does not match the run's config: ${(err as Error).message}`);
  }
}

/**
 * The checkpoint files of `dir` to delete once the checkpoint of `step` is registered: all but the
 * `keep` newest at or before `step`, and any after it (left by an abandoned timeline: a process
 * killed after writing a file but before registering it, and resumed from an older checkpoint).
 */
export function checkpointsToPrune(dir: string, keep: number, step: number): string[] {
  const steps = readdirSync(dir)
    .map(checkpointStep)
    .filter((s): s is number => s !== undefined)
    .sort((a, b) => b - a);
  const upTo = steps.filter((s) => s <= step);
  return [...steps.filter((s) => s > step), ...upTo.slice(keep)].map((s) => checkpointPath(dir, s));
}

/**
 * Deletes `files` and the temp files that killed writers left in `dir` (`<file>.tmp-<pid>-<n>` of a
 * process that no longer exists).
 */
export function deleteCheckpointFiles(dir: string, files: readonly string[]): void {
  for (const f of files) rmSync(f, { force: true });
  for (const n of readdirSync(dir)) {
    const m = /^(?:checkpoint-\d+|weights)\.safetensors\.tmp-(\d+)-\d+$/.exec(n);
    if (m && Number(m[1]) !== process.pid && processGone(Number(m[1]))) rmSync(join(dir, n), { force: true });
  }
}
