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
export * as tree from "./tree/tree.ts";
export type { Tree } from "./tree/tree.ts";
// Models, losses and files
export * as models from "./nn/index.ts";
export { modelOf, parseModelConfig, mse, xent, type ModelConfig, type Model } from "./nn/index.ts";
export { evaluateModel, type EvalResult } from "./nn/evaluate.ts";
export * as modelFiles from "./nn/files.ts";
export * as hashInit from "./nn/hashInit.ts";
// Symmetry, quotients and curvature
export * as symmetry from "./symmetry/index.ts";
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
export { runPaper } from "./experiments/paper.ts";
// File formats
export * as io from "./io/index.ts";
// Run store
export * as store from "./store/index.ts";
// Errors
export { InputError } from "./errors.ts";
export { VERSION } from "./version.ts";
