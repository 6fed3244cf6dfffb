/**
 * shocklens/coarse — local-entropy coarse-graining of a loss (docs/theory.md §a.1–a.6; docs/local-entropy.md):
 * u(x,t) = −β⁻¹ log[(2πt/β)^{−n/2} ∫ e^{−βf(y) − β|x−y|²/(2t)} dy] solves u_t + ½|∇u|² = νΔu with
 * ν = 1/(2β), and p = ∇u = (x − ⟨y⟩)/t solves viscous Burgers. Four estimators with error
 * estimates that are reported only when their diagnostics hold (importance sampling from the
 * kernel or a Laplace proposal, tempering SMC, SGLD/MALA + thermodynamic integration, slice
 * quadrature) and "auto" choosing among them (docs/local-entropy.md), slices of network losses,
 * and gridded slice solutions for the PDE residual checks.
 */
export { localEntropy } from "./localEntropy.ts";
export { importanceEstimate } from "./importance.ts";
export { laplaceEstimate } from "./laplace.ts";
export { smcEstimate, SmcBudgetError, SMC_MAX_LOGZ_SD, SMC_MIN_DISTINCT } from "./smc.ts";
export { autoEstimate } from "./auto.ts";
export { crossCheckDecision, compare, AGREE_P, UNCERTIFIED_INFLATION } from "./crossCheck.ts";
export { searchModes, DENSE_MAX, type KernelMode, type ModeSearch } from "./modes.ts";
export { findMode, type ModeResult } from "./mode.ts";
export { laplaceFit, kernelFit, denseFit, lowRankFit, cholesky, type GaussianFit } from "./gaussian.ts";
export { paretoKHat, gpdShape, essOfLogWeights, KHAT_MAX, MIN_ESS } from "./psis.ts";
export { certify, ROUNDING } from "./reliability.ts";
export { sgldEstimate, RHAT_MAX } from "./sgld.ts";
export { quadratureEstimate, solveQueries, type QueryResult, type QuadSettings } from "./quadrature.ts";
export { entropyGrid1d, entropyGrid2d, type EntropyGrid } from "./grid.ts";
export {
  treeObjective,
  modelObjective,
  quadraticObjective,
  mappedObjective,
  countingObjective,
  countedObjective,
  type CoordinateMap,
  type EvaluationCount,
} from "./objective.ts";
export {
  sliceObjective,
  affineMap,
  randomDirections,
  hessianDirections,
  type Slice,
  type HessianDirections,
} from "./slice.ts";
export {
  langevinRun,
  langevinStep,
  initialState,
  TARGET_ACCEPT,
  type ChainState,
  type LangevinSettings,
} from "./mala.ts";
export {
  logSumExp,
  BatchMeans,
  pooledBatchMeans,
  rHat,
  simpsonWeights,
  studentTCentral,
  studentTQuantile,
} from "./stats.ts";
export { orthonormalize } from "../linalg/vector.ts";
export {
  METHODS,
  PROPOSALS,
  type Method,
  type Estimator,
  type Proposal,
  type Reliability,
  type AutoChoice,
  type AutoOptions,
  type SmcOptions,
  type Objective,
  type LocalEntropyOptions,
  type LocalEntropyResult,
  type ImportanceOptions,
  type SgldOptions,
  type QuadratureOptions,
} from "./types.ts";
