/**
 * The public API of shocklens, grouped by area. Everything is float64 and pure: models are
 * functions over param trees, transforms are higher-order functions, randomness comes from keys.
 */
// Tensors and ops
export { Tensor, tensor, scalar, zeros, ones, full, type Shape, type TensorLike } from "./core/tensor.ts";
export * as ops from "./core/ops/index.ts";
export { noGrad } from "./core/tape.ts";
// Autodiff
export { grad, valueAndGrad, vjp, jvp, hvp, perSampleGrads, backward } from "./core/autodiff.ts";
export { checkGrad, checkHvp, denseHessian } from "./core/gradcheck.ts";
// Randomness
export * as random from "./core/random.ts";
export { key, split, foldIn, type Key } from "./core/random.ts";
// Param trees
export * as tree from "./core/tree.ts";
export type { Tree } from "./core/tree.ts";
// Models (the family registry), losses and files
export * as models from "./nn/index.ts";
export {
  modelOf,
  parseModelConfig,
  familyOf,
  families,
  groupOf,
  mse,
  xent,
  type ModelConfig,
  type Model,
  type ModelFamily,
} from "./nn/index.ts";
export { evaluateModel, type EvalResult } from "./nn/evaluate.ts";
export * as modelFiles from "./nn/files.ts";
export * as hashInit from "./nn/hashInit.ts";
// Symmetry, quotients and curvature
export * as symmetry from "./nn/groups.ts";
export * as curvature from "./curvature/index.ts";
export * as diagnostics from "./diagnostics/observables.ts";
export * as linalg from "./linalg/dense.ts";
// Local entropy and the PDE side of the theory
export * as coarse from "./coarse/index.ts";
export { localEntropy } from "./coarse/index.ts";
export * as pde from "./pde/index.ts";
// Is the optimizers' drift a gradient field on the quotient? (tests, verify, paper)
export * as gradientfield from "./gradientfield/index.ts";
export { runVerify } from "./experiments/verify.ts";
export { verifyStoredRun } from "./experiments/verifyRun.ts";
export { runPaper } from "./experiments/paper.ts";
// File formats
export * as io from "./io/index.ts";
// Run store
export * as store from "./store/index.ts";
// Sweeps: many runs on a local process pool or on workers through Redis
export * as sweep from "./sweep/index.ts";
// Training monitor and canned experiments
export * as monitor from "./monitor/index.ts";
export { EXPERIMENTS, experimentOf } from "./experiments/registry.ts";
// Data sets, optimizers and training
export * as data from "./data/index.ts";
export * as optim from "./optim/index.ts";
export * as train from "./train/index.ts";
// Compiled steps: a dense network's gradient and training step replayed over preallocated buffers
export * as compiled from "./compiled/index.ts";
// Compute backends (GEMM, PDE stencils): selection, reports
export * as backends from "./backends.ts";
export { useBackend } from "./core/backends/registry.ts";
// Errors and the validation policy
export { InputError } from "./errors.ts";
export * as validate from "./validate.ts";
export { VERSION } from "./version.ts";
