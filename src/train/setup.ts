/**
 * From a validated run config to everything the loop needs: the task, the model, the loss, the
 * optimizer, the schedule, the sampler, the step count and the keys. Keys: the run's key
 * key(seed) splits into (init, sampler, optimizer); the data key is foldIn(key(data.seed ?? seed), 1)
 * so a pinned data seed gives the same data under any run seed.
 */
import { compiledValueAndGrad } from "../compiled/valueAndGrad.ts";
import { type Key, foldIn, key, split } from "../core/random.ts";
import { loadTask } from "../data/index.ts";
import { BatchSampler } from "../data/sampler.ts";
import type { TaskData } from "../data/types.ts";
import { InputError } from "../errors.ts";
import { checkInputs, checkTargets, modelOf, type Model } from "../nn/registry.ts";
import { loadWeights } from "../nn/files.ts";
import type { Tree } from "../core/tree.ts";
import type { LossName } from "../nn/losses.ts";
import { optimizerOf } from "../optim/config.ts";
import { makeSchedule, type Schedule } from "../optim/schedule.ts";
import type { Optimizer } from "../optim/types.ts";
import type { TrainState } from "./checkpoint.ts";
import type { RunConfig } from "./config.ts";
import { checkTotalSteps } from "./limits.ts";
import type { LoopOptions } from "./loop.ts";

export interface PreparedRun {
  config: RunConfig;
  task: TaskData;
  model: Model;
  loss: LossName;
  optimizer: Optimizer;
  schedule: Schedule;
  sampler: BatchSampler;
  totalSteps: number;
  keys: { init: Key; sampler: Key; opt: Key };
  /** How init.weights' tensor names were mapped (nn/names.ts), for the user to see. */
  notes: string[];
  /** Step 0: fresh parameters (init.weights, else from the init key) and the optimizer's initial state. */
  initialState(): TrainState;
  /** The loop's options from `start` (plus callbacks, sink and signal given by the caller). */
  loopOptions(start: TrainState, extra?: Pick<LoopOptions, "callbacks" | "sink" | "signal">): LoopOptions;
}

/** Checks that the data fits the model: its sample shape (tokens in range for token inputs) and targets. */
function checkCompatible(cfg: RunConfig, task: TaskData, loss: LossName, where: string): void {
  const { x, y } = task.train;
  const at = `${where}: data (${cfg.data.name})`;
  checkInputs(cfg.model, x, at);
  checkTargets(cfg.model, x, y, loss, `${at} with loss ${loss}`);
}

/** The run's data: its task from the data key foldIn(key(data.seed ?? seed), 1) (the same for every run seed when pinned). */
export function runTask(config: Pick<RunConfig, "data" | "seed">): TaskData {
  return loadTask(config.data, foldIn(key(config.data.seed ?? config.seed), 1));
}

/** `work()`, with its InputError prefixed by the config and the field that named the file (when one did). */
function withField<T>(where: string, field: string | null, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (field !== null && err instanceof InputError) throw new InputError(`${where}: ${field}: ${err.message}`);
    throw err;
  }
}

/** The weights a run starts from (`init`), under the model's names. */
function initialWeights(init: NonNullable<RunConfig["init"]>, model: Model, where: string, notes: string[]): Tree {
  return withField(where, "init.weights", () =>
    loadWeights(init.weights, model, {
      rename: Object.entries(init.rename ?? {}),
      renameHint: "init.rename {FROM: TO}",
      onNote: (n) => notes.push(n),
    }),
  );
}

export function prepareRun(config: RunConfig, where = "run config"): PreparedRun {
  const [init, samplerKey, opt] = split(key(config.seed), 3);
  const task = withField(where, config.data.name === "file" ? "data.path" : null, () => runTask(config));
  const loss = config.loss ?? task.loss;
  checkCompatible(config, task, loss, where);
  const model = modelOf(config.model);
  const notes: string[] = [];
  const given = config.init && initialWeights(config.init, model, where, notes);
  // A compiled gradient that cannot be built is an input error now, before any run is created.
  if (config.compile === true) compiledValueAndGrad(config.model, loss);
  const optimizer = optimizerOf(config.optimizer);
  const sampler = new BatchSampler(task.train.x.shape[0], config.batchSize, config.replacement, samplerKey);
  const totalSteps =
    config.steps ??
    Math.max(1, Math.ceil(((config.epochs as number) * sampler.batchesPerEpoch) / optimizer.gradsPerStep));
  checkTotalSteps(totalSteps, config, where);
  const schedule = makeSchedule(config.schedule, config.optimizer.lr, totalSteps);
  return {
    config,
    task,
    model,
    loss,
    optimizer,
    schedule,
    sampler,
    totalSteps,
    keys: { init, sampler: samplerKey, opt },
    notes,
    initialState() {
      const params = given ?? model.init(init);
      return { step: 0, params, opt: optimizer.init(params), position: 0 };
    },
    loopOptions: (start, extra = {}) => ({
      model,
      loss,
      task,
      optimizer,
      schedule,
      sampler,
      optKey: opt,
      totalSteps,
      start,
      logEvery: config.logEvery,
      evalEvery: config.evalEvery,
      evalTrain: config.evalTrain,
      compile: config.compile === true,
      evalBatchSize: config.evalBatchSize,
      checkpointEvery: config.checkpointEvery,
      ...extra,
    }),
  };
}
