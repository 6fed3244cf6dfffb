/**
 * shocklens/pde — reference solvers for the HJ ⇄ Burgers side of the theory (docs/pde.md; formulas in
 * docs/theory.md sections a–c):
 *
 *   HJ       u_t + ½|∇u|² = νΔu        (local entropy u = f_t, ν = 1/2β)
 *   Burgers  p_t + (p·∇)p = νΔp        (p = ∇u; 1-D: p_t + (p²/2)_x = νp_xx)
 *
 * Finite-volume Burgers schemes (Godunov, Rusanov, Roe+Harten–Hyman, Engquist–Osher, MUSCL
 * minmod/MC, WENO5-JS) with SSP Runge–Kutta, on fused stage kernels in the periodic inviscid
 * cases; the explicit 2-D heat equation (the linear side of Cole–Hopf); monotone HJ schemes
 * (Lax–Friedrichs, Godunov, ENO2); exact Hopf–Lax and Cole–Hopf solutions; closed forms docs/theory.md §C1–C9;
 * residuals, convergence orders, shock detection, Rankine–Hugoniot/Lax/Oleinik checks and the
 * shock-time forecast t*.
 */
export { burgers, hj, resultShocks, solvePde, HJ_EXACT_SCHEMES, type PdeSummary, type SolveOptions } from "./api.ts";
export { solveBurgers1d, type Burgers1dOptions, type PdeResult } from "./burgers1d.ts";
export { burgers1dStepper, type Burgers1dStepper, type Burgers1dStepperOptions } from "./burgersStepper.ts";
export { solveBurgers2d, type Burgers2dOptions, type Pde2dResult } from "./burgers2d.ts";
export { solveBurgersVector2d, type BurgersVector2dOptions, type BurgersVector2dResult } from "./burgersVector2d.ts";
export { errorNorms, observedOrder, pairwiseOrders, type ErrorNorms } from "./convergence.ts";
export * as exact from "./exact/index.ts";
export { FLUXES, getFlux } from "./fluxes/registry.ts";
export type { FluxInfo, NumericalFlux } from "./fluxes/types.ts";
export { type BoundaryCondition, type Grid1D, interfaces, makeGrid, mass, totalVariation } from "./grid.ts";
export type { FusedKernelName, KernelChoice } from "./fused/kernels.ts";
export { type Grid2D, makeGrid2d, sample2d } from "./grid2d.ts";
export {
  heat2dStepper,
  solveHeat2d,
  type Heat2dOptions,
  type Heat2dResult,
  type Heat2dStepper,
  type Heat2dStepperOptions,
} from "./heat2d.ts";
export { coleHopf1d, coleHopf2d, type ColeHopf1dResult, type ColeHopf2dResult } from "./hj/coleHopf.ts";
export { HAMILTONIANS, type HamiltonianInfo } from "./hj/hamiltonians.ts";
export { HJ_GRID_SCHEMES, solveHj1d, type Hj1dOptions } from "./hj/hj1d.ts";
export { solveHj2d, type Hj2dOptions } from "./hj/hj2d.ts";
export { hopfLax1d, type HopfLax1dResult, type YGrid } from "./hj/hopfLax.ts";
export { hopfLax2d, type HopfLax2dResult } from "./hj/hopfLax2d.ts";
export { type Equation, type IcInput, type IcSpec, initialState, parseIc } from "./ic.ts";
export { burgersResidual1d, burgersResidual2d, curl2d, hjResidual1d, hjResidual2d, type Residual } from "./residual.ts";
export { BURGERS_SCHEMES, burgersScheme } from "./schemes.ts";
export {
  detectShocks,
  hjGradient,
  oleinikCheck,
  trackShocks,
  type Shock,
  type ShockOptions,
  type TrackedShock,
} from "./shocks.ts";
export { shockTime1d, shockTimeNd, type ShockForecast } from "./shockTime.ts";
export { frontWidth as viscousFrontWidth } from "./exact/tanhFront.ts";
export { erf, erfc, erfcx, logNdtr, ndtr } from "../core/special.ts";
export {
  cflTimeStep,
  integrate,
  makeStepper,
  runClock,
  SSP_STAGES,
  type ClockOptions,
  type Stepper,
  type StepperName,
} from "./timestep.ts";
