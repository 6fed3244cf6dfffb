/**
 * Training: the run config, the loop with its callbacks, checkpoints that resume bit-identically,
 * and runs in the run store.
 */
export {
  runConfig,
  parseRunConfig,
  runConfigJsonSchema,
  withAbsolutePaths,
  type RunConfig,
  type RunConfigInput,
} from "./config.ts";
export {
  trainLoop,
  type Callback,
  type Divergence,
  type LoopOptions,
  type LoopResult,
  type Sink,
  type StepInfo,
  type StepRecord,
} from "./loop.ts";
export { prepareRun, runTask, type PreparedRun } from "./setup.ts";
export {
  loadRunProblem,
  chooseWeights,
  storedWeights,
  parseStepChoice,
  type RunInput,
  type RunProblemOptions,
  type StepChoice,
  type StoredWeights,
} from "./fromRun.ts";
export { evaluateSplit, correctCount, type SplitMetrics } from "./evaluate.ts";
export {
  CHECKPOINT_FORMAT,
  checkpointPath,
  checkpointStep,
  checkpointsToPrune,
  deleteCheckpointFiles,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointInfo,
  type TrainState,
} from "./checkpoint.ts";
export { StoreSink } from "./storeSink.ts";
export { trainRun, runDir, type RunHandle, type TrainRunOptions, type TrainRunResult } from "./run.ts";
export {
  monitorCallback,
  type MonitorCallback,
  type MonitorCallbackOptions,
  type MonitorReport,
} from "./monitorCallback.ts";
export { progressBar, type ProgressOptions } from "./progress.ts";
