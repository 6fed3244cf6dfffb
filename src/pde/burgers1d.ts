/**
 * 1-D viscous Burgers u_t + (u²/2)_x = ν u_xx by the method of lines: any spatial scheme
 * (flux × reconstruction, or WENO5) with any SSP time stepper, the viscous term by central
 * differences, Δt from the CFL rule in timestep.ts recomputed at every step from the step's
 * initial state, and the final time hit exactly. States are cell averages.
 */
import { type Grid1D, mass, maxAbs } from "./grid.ts";
import { burgersScheme } from "./schemes.ts";
import { conservativeRhs } from "./spatial.ts";
import { cflTimeStep, integrate, makeStepper, type RunControls } from "./timestep.ts";
import { checkRun } from "./validate.ts";

export interface Burgers1dOptions extends RunControls {
  grid: Grid1D;
  /** Initial cell averages (point values for WENO5; length grid.n); not modified. */
  u0: ArrayLike<number>;
  scheme: string;
  flux?: string;
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
  const n = grid.n;
  const { nu, cfl } = checkRun(o.u0, n, "one per cell", o);
  const resolved = burgersScheme(o.scheme, { flux: o.flux, stepper: o.stepper });
  const u = Float64Array.from(o.u0);
  const rhs = conservativeRhs(resolved.spatial, n, grid.dx, o.bc ?? "periodic", nu);
  const { t, steps } = integrate({
    u,
    rhs,
    stepper: makeStepper(resolved.stepper, n),
    dt: (v) => cflTimeStep(cfl, [grid.dx], [maxAbs(v)], nu),
    t: o.t,
    steps: o.steps,
    maxDt: o.maxDt,
    onStep: o.onStep,
  });
  return { x: grid.x, u, t, steps, mass: mass(u, grid.dx), scheme: resolved.label, dx: grid.dx, values: resolved.state };
}
