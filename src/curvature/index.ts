/**
 * Curvature from Hessian-vector products: Lanczos extreme eigenpairs (full re-orthogonalisation),
 * Hutchinson trace, stochastic Lanczos quadrature density — each with an optional restriction to
 * the range of a projector (the horizontal space of a symmetry group: `symmetry.groupOf(cfg)
 * .horizontalProjector(params).projectFlat`). Plus the small dense linear algebra they rest on.
 */
export {
  type LinearOperator,
  type Projector,
  type LanczosRun,
  type EigenPairs,
  type ExtremeOptions,
  lanczos,
  startVector,
  tridiagonalEig,
  extremeEigenpairs,
} from "./lanczos.ts";
export { type TraceEstimate, hutchinsonTrace, rademacher } from "./hutchinson.ts";
export { type SpectralDensity, spectralDensity } from "./slq.ts";
export { hessianOperator, restrictedOperator, denseMatrix } from "./operators.ts";
export { symEig, svd, type Svd, pivotedCholesky, choleskySolve, inverse, matmul, det, solve } from "../linalg/dense.ts";
