/**
 * Training: the run config, the loop with its callbacks, checkpoints that resume bit-identically,
 * and runs in the run store.
 */
export { runConfig, parseRunConfig, runConfigJsonSchema, type RunConfig, type RunConfigInput } from "./config.ts";
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
export { prepareRun, type PreparedRun } from "./setup.ts";
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
