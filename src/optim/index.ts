/**
 * Optimizers as pure (params, grads, state) → {params, state} functions — SGD (momentum,
 * Nesterov, weight decay), Adam, AdamW, SGLD, Entropy-SGD — and learning-rate schedules.
 */
export type * from "./types.ts";
export { sgd, type SgdOptions, type SgdState } from "./sgd.ts";
/** Zeros shaped like a parameter tree (the optimizers' initial state). */
export { zerosLike as zerosTree } from "../core/tree.ts";
export { adam, adamw, type AdamOptions, type AdamState } from "./adam.ts";
export { sgld, type SgldOptions, type SgldState } from "./sgld.ts";
export {
  entropySgd,
  entropySgdInner,
  type EntropySgdOptions,
  type EntropySgdState,
  type InnerLoop,
} from "./entropySgd.ts";
export { makeSchedule, scheduleConfig, type Schedule, type ScheduleConfig } from "./schedule.ts";
export { optimizerConfig, optimizerOf, type OptimizerConfig, type OptimizerName } from "./config.ts";
export { stateToNamed, stateFromNamed } from "./state.ts";
export { leafwise } from "./leafwise.ts";
