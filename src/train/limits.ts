/**
 * Memory a training run would need, estimated from its config before anything is allocated
 * (docs/store.md §bounds): the parameters (several float64 copies, size.ts), one batch's
 * activations kept for the backward pass, and the data set. A run over the budget is refused with
 * the field that makes it too big and the memory it would need, instead of being killed by the
 * operating system minutes later.
 */
import { InputError } from "../errors.ts";
import type { DataConfig } from "../data/config.ts";
import { formatBytes } from "../io/files.ts";
import { activationTerms, flatInputShape, type ModelConfig, outputSize, parameterTerms } from "../nn/registry.ts";
import { largest, PARAMETER_COPIES, total, type Terms } from "../nn/size.ts";

/** The fields of a run config (./config.ts) the bounds read; config.ts imports this module, so not its type. */
export interface RunBounds {
  model: ModelConfig;
  data: DataConfig;
  batchSize: number;
  replacement: boolean;
  evalBatchSize: number;
  steps?: number;
}

/** The memory budget of one training run. */
export const MAX_TRAIN_BYTES = 16 * 2 ** 30;

/** At most this many optimizer steps (given directly or as epochs). */
export const MAX_STEPS = 1e9;

/** Values kept per activation: the forward value, its gradient and one temporary. */
const ACTIVATION_COPIES = 3;

/**
 * An upper bound on the samples of a data set (its generated size, a limit, or the shipped size);
 * undefined for the user's file, whose size is only known once read (and bounded by the file).
 */
export function sampleBound(data: DataConfig): number | undefined {
  switch (data.name) {
    case "file":
      return undefined;
    case "mnist":
      return data.limit ?? 10_000;
    case "iris":
      return 150;
    case "modular":
      return data.p * data.p;
    default:
      return data.n;
  }
}

/** InputError when the run's estimated memory exceeds MAX_TRAIN_BYTES, naming the field that dominates. */
export function checkRunMemory(cfg: RunBounds, where: string): void {
  const samples = sampleBound(cfg.data);
  const batch = Math.max(cfg.replacement ? cfg.batchSize : Math.min(cfg.batchSize, samples ?? Infinity), 1);
  const evalBatch = Math.min(cfg.evalBatchSize, samples ?? Infinity);
  const activations = activationTerms(cfg.model);
  const dataValues = flatInputShape(cfg.model)[0] + outputSize(cfg.model);
  const batchField = batch >= evalBatch ? "batchSize" : "evalBatchSize";
  const terms: Terms = [
    ["model", total(parameterTerms(cfg.model)) * PARAMETER_COPIES],
    [
      `${batchField} × model (${largest(activations)[0]})`,
      Math.max(batch, evalBatch) * total(activations) * ACTIVATION_COPIES,
    ],
    [cfg.data.name === "modular" ? "data.p" : "data.n", (samples ?? 0) * dataValues],
  ];
  const bytes = total(terms) * 8;
  if (bytes <= MAX_TRAIN_BYTES) return;
  const [field] = largest(terms);
  const parts = terms.map(([f, n]) => `${f} ${formatBytes(n * 8)}`).join(", ");
  throw new InputError(
    `${where}: ${field}: training would need about ${formatBytes(bytes)} of memory (${parts}); ` +
      `the limit is ${formatBytes(MAX_TRAIN_BYTES)}`,
  );
}

/** InputError when the steps a run would take exceed MAX_STEPS (epochs × batches per epoch / gradients per step). */
export function checkTotalSteps(totalSteps: number, cfg: RunBounds, where: string): void {
  if (totalSteps <= MAX_STEPS) return;
  throw new InputError(
    `${where}: ${cfg.steps === undefined ? "epochs" : "steps"}: the run would take ${totalSteps.toExponential(2)} ` +
      `steps; at most ${MAX_STEPS.toExponential(0)} are allowed`,
  );
}
