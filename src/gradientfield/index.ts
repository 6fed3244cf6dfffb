/**
 * shocklens/gradientfield — is an optimizer's drift a gradient field on the quotient?
 * (docs/gradient-field.md). Drift fields of the library's optimizers on charts of parameter space,
 * with common random numbers, in raw, Euclidean-invariant and induced-metric coordinates; and the
 * calibrated tests: Jacobian asymmetry, circulation on many loops (Holm/BH), Helmholtz–Hodge,
 * stochastic area against time reversal, η-scaling, Noether-charge drift.
 */
export type { Coordinates, DriftField } from "./types.ts";
export { simpleField } from "./types.ts";
export {
  tTest,
  holm,
  benjaminiHochberg,
  adjust,
  signFlipTest,
  fitSlope,
  studentTwoSided,
  studentCdf,
  studentQuantile,
  regularizedBeta,
  logGamma,
  type TTest,
  type Correction,
  type Slope,
} from "./stats.ts";
export {
  jacobianAsymmetry,
  centredJacobians,
  asymmetryOf,
  type AsymmetryResult,
  type AsymmetryOptions,
} from "./asymmetry.ts";
export {
  circulationTest,
  circulationOf,
  loopFamilyTest,
  loopGrid,
  loopGeometry,
  type Loop,
  type CirculationResult,
  type LoopFamilyResult,
} from "./circulation.ts";
export { hodgeFit, hodgeTest, uniformGrid, type Grid2, type HodgeFit, type HodgeResult } from "./hodge.ts";
export { stochasticArea, type AreaResult } from "./area.ts";
export { etaScaling, type ScalingResult, type ScalingOrder } from "./scaling.ts";
export { makeStepper, optimizerSpec, type Dynamics, type Problem, type Stepper } from "./stepper.ts";
export { runTrajectory } from "./trajectory.ts";
export {
  invariantMap,
  invariantJacobian,
  affineChart,
  frameAt,
  type Chart,
  type Frame,
  type InvariantMap,
} from "./quotientFrame.ts";
export { quotientDriftField, COORDINATES, type CoordinateName, type QuotientField } from "./quotientField.ts";
export { chargeDrift, chargeDriftScaling, chargeVector, type ChargeDrift } from "./noether.ts";
export {
  noisyGradientField,
  plantedCirculation,
  sgldQuadraticField,
  sgldQuadraticTrajectory,
  sgldAreaRate,
} from "./controls.ts";
export * as neuron from "./neuron.ts";
