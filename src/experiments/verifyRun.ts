/**
 * `shocklens verify --run ID`: the gradient-field check on the final weights of a run in the store
 * (docs/gradient-field.md §trained networks), at the run's own learning rate and batch size, on
 * the first `samples` training samples of its seeded split. The result is recorded as a `verify`
 * event of the run (at its last logged step), which `shocklens report` shows as the gradient-field
 * summary.
 */
import * as F from "../core/ops/index.ts";
import { foldIn, key as keyOf } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { loadWeights } from "../nn/files.ts";
import { finalWeightsPath } from "../report/source.ts";
import type { RunEvent, RunStore } from "../store/types.ts";
import { parseRunConfig } from "../train/config.ts";
import { prepareRun } from "../train/setup.ts";
import { neuronGradientFieldCheck, type NeuronCheck, type NeuronCheckOptions } from "./verifyNeurons.ts";

export interface RunVerifyOptions extends Omit<NeuronCheckOptions, "key"> {
  /** Training samples the drift is computed on (default 512). */
  samples?: number;
  seed?: number;
}

export interface RunVerifyResult extends NeuronCheck {
  run: string;
  step: number;
  scope: "trained network";
  model: unknown;
}

export function verifyStoredRun(
  store: RunStore,
  ref: string,
  o: RunVerifyOptions = {},
): { result: RunVerifyResult; event: RunEvent } {
  const detail = store.getRun(ref);
  const weights = finalWeightsPath(store.artifacts(detail.id));
  if (!weights)
    throw new InputError(
      `run ${detail.id}: no final weights (it did not finish, or the file is gone); nothing to verify`,
    );
  const where = `config of run ${detail.id}`;
  const config = parseRunConfig(detail.config, where);
  const prepared = prepareRun(config, where);
  const params = loadWeights(weights, prepared.model);
  const { x, y } = prepared.task.train;
  const n = Math.min(o.samples ?? 512, x.shape[0]);
  const check = neuronGradientFieldCheck(
    config.model,
    params,
    { x: F.slice(x, [0], [n]), y: F.slice(y, [0], [n]), loss: prepared.loss },
    { lr: config.optimizer.lr, batchSize: config.batchSize },
    { ...o, key: foldIn(keyOf(o.seed ?? config.seed), 0x7e1) },
  );
  const step = Math.max(0, ...Object.values(detail.lastScalars).map((s) => s.step));
  const result: RunVerifyResult = { run: detail.id, step, scope: "trained network", model: config.model, ...check };
  const event = store.logEvent(detail.id, { step, kind: "verify", payload: { ...result } });
  return { result, event };
}
