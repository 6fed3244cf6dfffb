/**
 * 1-D viscous Burgers u_t + (u²/2)_x = ν u_xx by the method of lines: any spatial scheme
 * (flux × reconstruction, or WENO5) with any SSP time stepper, the viscous term by central
 * differences, Δt from the CFL rule in timestep.ts recomputed at every step from the step's
 * initial state, and the final time hit exactly. States are cell averages.
 *
 * The stepping is burgers1dStepper's (burgersStepper.ts): periodic inviscid MUSCL–minmod or
 * first-order with the Rusanov/Godunov flux, and WENO5, run on fused stage kernels (WebAssembly-SIMD
 * when built, else TypeScript; `kernels` chooses, "generic" forces the method-of-lines path);
 * both paths give the same values to rounding.
 */
import { burgers1dStepper } from "./burgersStepper.ts";
import type { KernelChoice } from "./fused/kernels.ts";
import { type Grid1D, mass } from "./grid.ts";
import { checkRun, runClock, type RunControls } from "./timestep.ts";

export interface Burgers1dOptions extends RunControls {
  grid: Grid1D;
  /** Initial cell averages (point values for WENO5; length grid.n); not modified. */
  u0: ArrayLike<number>;
  scheme: string;
  flux?: string;
  /** "auto" (default), "wasm-simd", "typescript" or "generic": see fused/kernels.ts. */
  kernels?: KernelChoice;
}

export interface PdeResult {
  /** Cell centres. */
  x: Float64Array;
  /** Burgers: cell averages (WENO5: point values, see `values`); HJ: centre values. */
  u: Float64Array;
  /** "average" for finite-volume Burgers schemes, "point" for WENO5 and all HJ solvers. */
  values: "average" | "point";
  t: number;
  steps: number;
  /** Δx Σ uᵢ. */
  mass: number;
  scheme: string;
  dx: number;
  /** HJ only, exact solvers: p = u_x at the centres (Hopf–Lax (x − y*)/t, Cole–Hopf (x − ⟨y⟩)/t). */
  p?: Float64Array;
}

export function solveBurgers1d(o: Burgers1dOptions): PdeResult {
  const { grid } = o;
  const { nu, cfl } = checkRun(o.u0, grid.n, "one per cell", o);
  const s = burgers1dStepper({
    grid,
    scheme: o.scheme,
    flux: o.flux,
    stepper: o.stepper,
    cfl,
    nu,
    bc: o.bc,
    kernels: o.kernels,
  });
  s.state.set(o.u0);
  const { onStep } = o;
  const { t, steps } = runClock(o, s.stableDt, s.advance, onStep && ((time, k) => onStep(s.state, time, k)));
  // the fused path's state lives in its own (possibly WebAssembly) buffers: hand out a copy
  const u = s.kernels === "generic" ? s.state : s.state.slice();
  return { x: grid.x, u, t, steps, mass: mass(u, grid.dx), scheme: s.label, dx: grid.dx, values: s.values };
}
