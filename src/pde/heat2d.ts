/**
 * The 2-D heat equation u_t = νΔu on a periodic nx×ny grid (Grid2D, row-major u[i·ny + j]) by the
 * explicit 5-point scheme
 *
 *   u'ᵢⱼ = uᵢⱼ + rx (u_{i−1,j} − 2uᵢⱼ + u_{i+1,j}) + ry (u_{i,j−1} − 2uᵢⱼ + u_{i,j+1}),
 *   rx = νΔt/Δx²,  ry = νΔt/Δy².
 *
 * A Fourier mode e^{i(kx x + ky y)} is multiplied per step by G = 1 − 4rx sin²(kxΔx/2) −
 * 4ry sin²(kyΔy/2), so the scheme is stable iff rx + ry ≤ ½ (r ≤ ¼ on a square grid); it is first
 * order in Δt and second order in Δx, Δy. Why the library has it: Cole–Hopf maps viscous HJ
 * u_t + ½|∇u|² = νΔu to φ_t = νΔφ with φ = exp(−u/2ν) (Burgers p = ∇u), so this is the linear
 * solver behind a numerical Cole–Hopf check.
 *
 * The step is a fused stencil kernel (fused/: WebAssembly-SIMD when pde.wasm is built, else
 * TypeScript; option `kernels`), double-buffered, nothing allocated per step.
 */
import { InputError } from "../errors.ts";
import { kernelChoice, stageKernels, type FusedKernelName, type KernelChoice } from "./fused/kernels.ts";
import { mass } from "./grid.ts";
import type { Grid2D } from "./grid2d.ts";
import { checkRun, cflTimeStep, runClock } from "./timestep.ts";
import { finite, positive } from "../validate.ts";

export interface Heat2dStepperOptions {
  grid: Grid2D;
  /** Diffusivity ν > 0. */
  nu: number;
  /** Time step; default cfl × the stability limit 1/(2ν(1/Δx² + 1/Δy²)). */
  dt?: number;
  /** Fraction of the stability limit when dt is not given, in (0, 1] (default 0.5). */
  cfl?: number;
  /** "auto" (default), "wasm-simd" or "typescript" (fused/kernels.ts). */
  kernels?: "auto" | "wasm-simd" | "typescript";
}

export interface Heat2dStepper {
  readonly kernels: FusedKernelName;
  /** The regular time step. */
  readonly dt: number;
  /** The current field (nx·ny, zero at the start): write the initial data here; read it again after stepping (double buffer). */
  readonly state: Float64Array;
  /** Advances by h ≤ dt (the clock shortens the last step). */
  advance(h: number): void;
  /** Advances by dt. */
  step(): void;
}

export interface Heat2dOptions extends Heat2dStepperOptions {
  /** Initial field, row-major nx·ny; not modified. */
  u0: ArrayLike<number>;
  /** Final time (hit exactly); or give `steps`. */
  t?: number;
  steps?: number;
  onStep?: (u: Float64Array, t: number, step: number) => void;
}

export interface Heat2dResult {
  u: Float64Array;
  t: number;
  steps: number;
  /** The regular time step. */
  dt: number;
  /** Δx Δy Σ u (conserved to rounding on the periodic grid). */
  mass: number;
}

export function heat2dStepper(o: Heat2dStepperOptions): Heat2dStepper {
  const { x, y } = o.grid;
  if (x.n < 2 || y.n < 2)
    throw new InputError(`grid: the heat stencil needs at least 2 cells per axis, got ${x.n}×${y.n}`, {
      field: "grid",
    });
  const nu = positive(o.nu, "nu");
  const cfl = positive(o.cfl ?? 0.5, "cfl");
  if (cfl > 1)
    throw new InputError(`cfl: expected a fraction of the stability limit in (0, 1], got ${cfl}`, { field: "cfl" });
  const choice = kernelChoice(o.kernels, false) as Exclude<KernelChoice, "generic">;
  const ax = nu / (x.dx * x.dx),
    ay = nu / (y.dx * y.dx);
  const dt = o.dt === undefined ? cflTimeStep(cfl, [x.dx, y.dx], [0, 0], nu) : positive(finite(o.dt, "dt"), "dt");
  // rx + ry ≤ ½, with room for the rounding of a dt computed from the limit itself
  if ((ax + ay) * dt > 0.5 * (1 + 1e-12)) {
    throw new InputError(
      `dt: ${dt} is unstable: ν·dt·(1/dx² + 1/dy²) = ${(ax + ay) * dt} > 1/2 (square grid: r = ν·dt/h² ≤ 1/4)`,
      { field: "dt" },
    );
  }
  const K = stageKernels(choice);
  const bufs = K.fields([x.n * y.n, x.n * y.n]);
  const advance = (h: number): void => {
    K.heatStep(bufs[0], bufs[1], x.n, y.n, ax * h, ay * h);
    const t = bufs[0];
    bufs[0] = bufs[1];
    bufs[1] = t;
  };
  return {
    kernels: K.name,
    dt,
    advance,
    get state() {
      return bufs[0];
    },
    step: () => advance(dt),
  };
}

/** Runs the heat equation from u0 to t (or for `steps` steps of dt). */
export function solveHeat2d(o: Heat2dOptions): Heat2dResult {
  const { x, y } = o.grid;
  checkRun(o.u0, x.n * y.n, "nx·ny", o);
  const s = heat2dStepper(o);
  s.state.set(o.u0);
  const { onStep } = o;
  const { t, steps } = runClock(o, () => s.dt, s.advance, onStep && ((time, k) => onStep(s.state, time, k)));
  const u = s.state.slice();
  return { u, t, steps, dt: s.dt, mass: mass(u, x.dx * y.dx) };
}
