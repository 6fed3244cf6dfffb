/**
 * A stored run as the input of an analysis (docs/cli.md §run-inputs): the model, the data, the loss
 * and the weights of one step of a run, all from the run store — so `eval`, `quotient` and
 * `entropy` need no hand-made model or data file, and observables can be followed along a run.
 *
 * - model: the run config's `model`; data: the run's task rebuilt from its config and seeds (the
 *   training split by default), exactly the samples the run trained on; loss: the run's loss.
 * - weights: a checkpoint (`checkpoint-<step>.safetensors`, its `params.*` tensors) or the final
 *   `weights.safetensors` that the store lists for the run and that still exist on disk. The step
 *   is `latest` (the highest), `best` (the lowest evaluated loss: test/loss when any stored step has
 *   one, else train/loss) or a step number.
 */
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { InputError } from "../errors.ts";
import { fieldError } from "../validate.ts";
import { readSafetensorsMetadata } from "../io/safetensors.ts";
import { modelOf } from "../nn/registry.ts";
import { loadWeights, type Problem } from "../nn/files.ts";
import type { RunStoreReader } from "../store/types.ts";
import { checkpointStep } from "./checkpoint.ts";
import { parseRunConfig, type RunConfig } from "./config.ts";
import { runTask } from "./setup.ts";

export type StepChoice = number | "latest" | "best";
export const SPLITS = ["train", "test"] as const;
export type SplitName = (typeof SPLITS)[number];

/** `--step`: a step number, `latest` or `best` (any case). */
export function parseStepChoice(text: string, option = "--step"): StepChoice {
  const t = text.trim().toLowerCase();
  if (t === "latest" || t === "best") return t;
  if (/^\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  throw fieldError(option, "a step number, latest or best", text);
}

/** One weights file of a run. */
export interface StoredWeights {
  step: number;
  path: string;
  kind: "checkpoint" | "weights";
}

/**
 * The weights files of a run that exist on disk, by step ascending (at equal steps the final
 * weights come after the checkpoint). Files pruned or deleted behind the store's back are skipped.
 */
export function storedWeights(reader: RunStoreReader, runId: string): StoredWeights[] {
  const out: StoredWeights[] = [];
  for (const a of reader.artifacts(runId)) {
    if (!existsSync(a.path)) continue;
    if (a.kind === "checkpoint") {
      const step = checkpointStep(basename(a.path));
      if (step !== undefined) out.push({ step, path: a.path, kind: "checkpoint" });
    } else if (a.kind === "weights") {
      const step = Number(readSafetensorsMetadata(a.path).step);
      if (Number.isSafeInteger(step) && step >= 0) out.push({ step, path: a.path, kind: "weights" });
    }
  }
  return out.sort((a, b) => a.step - b.step || (a.kind === "weights" ? 1 : 0) - (b.kind === "weights" ? 1 : 0));
}

const stepList = (files: readonly StoredWeights[]) => [...new Set(files.map((f) => f.step))].join(", ");

/** The weights of the chosen step, with the reason it was chosen (for `best`: the loss and its key). */
export function chooseWeights(
  reader: RunStoreReader,
  runId: string,
  choice: StepChoice,
): StoredWeights & { chosenBy?: { key: string; value: number } } {
  const files = storedWeights(reader, runId);
  if (files.length === 0)
    throw new InputError(
      `run ${runId} has no checkpoint or weights file on disk yet (checkpoints are written every checkpointEvery steps)`,
    );
  if (choice === "latest") return files[files.length - 1];
  if (typeof choice === "number") {
    const hit = files.filter((f) => f.step === choice);
    if (hit.length === 0)
      throw new InputError(`--step ${choice}: run ${runId} has weights at steps ${stepList(files)} only`);
    return hit[hit.length - 1];
  }
  const steps = new Set(files.map((f) => f.step));
  for (const key of ["test/loss", "train/loss"]) {
    let best: { step: number; value: number } | null = null;
    for (const p of reader.scalars(runId, key))
      if (steps.has(p.step) && Number.isFinite(p.value) && (best === null || p.value < best.value))
        best = { step: p.step, value: p.value };
    if (best !== null) {
      const at = files.filter((f) => f.step === best.step);
      return { ...at[at.length - 1], chosenBy: { key, value: best.value } };
    }
  }
  throw new InputError(
    `--step best: run ${runId} logged no test/loss or train/loss at its stored steps (${stepList(files)}); give a step number`,
  );
}

/** Where an analysis's inputs came from, reported with its result. */
export interface RunInput {
  run: string;
  name: string;
  /** The stored step; null for weights given as a file. */
  step: number | null;
  weights: string;
  kind: StoredWeights["kind"];
  split: SplitName | null;
  chosenBy?: { key: string; value: number };
}

export interface RunProblemOptions {
  step?: StepChoice;
  /** Weights from this file instead of a stored step (e.g. exported from PyTorch). */
  weights?: string;
  /** Which split of the run's data (default train); null: no data. */
  split?: SplitName | null;
  rename?: readonly (readonly [string, string])[];
  onNote?: (note: string) => void;
}

/** Model, weights and (unless split is null) data and loss of a stored run. */
export function loadRunProblem(
  reader: RunStoreReader,
  ref: string,
  o: RunProblemOptions = {},
): Problem & { input: RunInput } {
  const runId = reader.resolveRunId(ref);
  const run = reader.getRun(runId);
  // Validated as `train` validates it (a stored config from an older version is checked again).
  const config: RunConfig = parseRunConfig(run.config, `run ${runId} config`);
  const model = modelOf(config.model);
  const chosen =
    o.weights === undefined
      ? chooseWeights(reader, runId, o.step ?? "latest")
      : { step: null, path: o.weights, kind: "weights" as const };
  const params = loadWeights(chosen.path, model, {
    rename: o.rename,
    // A stored checkpoint's params.* names are expected: only the user's own file gets a note.
    onNote: o.weights === undefined ? undefined : o.onNote,
  });
  const split = o.split === undefined ? "train" : o.split;
  const input: RunInput = {
    run: runId,
    name: run.name,
    step: chosen.step,
    weights: chosen.path,
    kind: chosen.kind,
    split,
    ...("chosenBy" in chosen && chosen.chosenBy ? { chosenBy: chosen.chosenBy } : {}),
  };
  if (split === null) return { cfg: config.model, model, params, input };
  const task = runTask(config);
  const part = task[split];
  if (part.x.shape[0] === 0)
    throw new InputError(`--split ${split}: run ${runId} has no ${split} samples (data.trainFraction)`);
  const loss = config.loss ?? task.loss;
  return {
    cfg: config.model,
    model,
    params,
    data: { x: part.x, y: part.y, integerTargets: loss === "xent", loss },
    input,
  };
}
