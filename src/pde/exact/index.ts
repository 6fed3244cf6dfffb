/** Closed-form solutions docs/theory.md §C1–C9, plus the smooth-data and travelling-front oracles. */
export { burgersCharacteristic, burgersCharacteristicAverages, sineData, type SmoothData } from "./characteristics.ts";
export {
  DOUBLE_WELL_T_STAR,
  depressedCubicRoots,
  doubleWell,
  doubleWellGrad,
  doubleWellHess,
  doubleWellHopfLax,
  doubleWellJump,
  doubleWellShockPosition,
  type HopfLaxPoint,
} from "./doubleWell.ts";
export { reluKink, reluKinkHopfLax, reluKinkShock } from "./kink.ts";
export { laplaceCorrection, laplaceCorrection1d } from "./laplace.ts";
export { quadraticSolution, type QuadraticSolution } from "./quadratic.ts";
export { burgersRiemann, hjRiemann, hjRiemannViscous, type HjValue } from "./riemann.ts";
export { SINE_T_STAR, sineQuadrature, sineSeries } from "./sine.ts";
export { frontWidth, tanhFront } from "./tanhFront.ts";
