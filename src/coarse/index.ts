/**
 * shocklens/coarse — local-entropy coarse-graining of a loss (docs/theory.md §a.1–a.6; docs/local-entropy.md):
 * u(x,t) = −β⁻¹ log[(2πt/β)^{−n/2} ∫ e^{−βf(y) − β|x−y|²/(2t)} dy] solves u_t + ½|∇u|² = νΔu with
 * ν = 1/(2β), and p = ∇u = (x − ⟨y⟩)/t solves viscous Burgers. Three estimators with error
 * estimates (SGLD/MALA + thermodynamic integration, importance sampling, slice quadrature),
 * slices of network losses, and gridded slice solutions for the PDE residual checks.
 */
export { localEntropy } from "./localEntropy.ts";
export { importanceEstimate, MIN_ESS } from "./importance.ts";
export { sgldEstimate } from "./sgld.ts";
export { quadratureEstimate, solveQueries, type QueryResult, type QuadSettings } from "./quadrature.ts";
export { entropyGrid1d, entropyGrid2d, type EntropyGrid } from "./grid.ts";
export {
  treeObjective,
  modelObjective,
  quadraticObjective,
  mappedObjective,
  countedObjective,
  type CoordinateMap,
} from "./objective.ts";
export {
  sliceObjective,
  affineMap,
  randomDirections,
  hessianDirections,
  type Slice,
  type HessianDirections,
} from "./slice.ts";
export { langevinRun, initialState, TARGET_ACCEPT, type ChainState, type LangevinSettings } from "./mala.ts";
export { logSumExp, BatchMeans, pooledBatchMeans, rHat, simpsonWeights } from "./stats.ts";
export { orthonormalize } from "../linalg/vector.ts";
export {
  METHODS,
  type Method,
  type Objective,
  type LocalEntropyOptions,
  type LocalEntropyResult,
  type ImportanceOptions,
  type SgldOptions,
  type QuadratureOptions,
} from "./types.ts";
