/**
 * The stepping object of 1-D Burgers u_t + (u²/2)_x = ν u_xx: it owns the state and advances it
 * one SSP Runge–Kutta step at a time. solveBurgers1d is this plus the clock of timestep.ts;
 * benchmarks and custom time loops use it directly (`step()` allocates nothing).
 *
 * Two paths with the same arithmetic:
 *   fused    periodic, ν = 0, and minmod MUSCL or first-order states with the Rusanov or Godunov
 *            flux, or WENO5 — with any stepper. Each SSP stage is one sweep of a stage kernel
 *            (fused/): out = a·u0 + b·(uin + Δt·L(uin)) with L formed on the fly on ghosted
 *            buffers, the coefficients (a, b) from SSP_STAGES. WebAssembly-SIMD or TypeScript,
 *            see fused/kernels.ts for the `kernels` option.
 *   generic  everything else (and `kernels: "generic"`): the method of lines, spatial.ts's
 *            L(u) fed to timestep.ts's stepper. It is the oracle of the fused path.
 */
import { InputError } from "../errors.ts";
import { type BoundaryCondition, checkBoundary, fillGhosts, type Grid1D, maxAbs } from "./grid.ts";
import { MUSCL_GHOST } from "./fused/muscl.ts";
import {
  kernelChoice,
  stageKernels,
  type FusedKernelName,
  type KernelChoice,
  type StageKernels,
} from "./fused/kernels.ts";
import { WENO_GHOST } from "./fused/weno5.ts";
import { burgersScheme, type ResolvedScheme } from "./schemes.ts";
import { conservativeRhs } from "./spatial.ts";
import { cflTimeStep, checkCfl, makeStepper, SSP_STAGES, type StepperName } from "./timestep.ts";
import { lookup, nonNegative } from "../validate.ts";

export interface Burgers1dStepperOptions {
  grid: Grid1D;
  scheme: string;
  flux?: string;
  stepper?: StepperName;
  /** CFL number of `stableDt` (default 0.5). */
  cfl?: number;
  nu?: number;
  bc?: BoundaryCondition;
  /** "auto" (default), "wasm-simd", "typescript" or "generic" (fused/kernels.ts). */
  kernels?: KernelChoice;
}

export interface Burgers1dStepper {
  /** The path that runs: a fused kernel set, or the generic method of lines. */
  readonly kernels: FusedKernelName | "generic";
  /** The resolved scheme name, e.g. "muscl" or "muscl+rusanov/euler". */
  readonly label: string;
  /** "average" (finite volume) or "point" (WENO5). */
  readonly values: "average" | "point";
  /**
   * The current cell values (length n, zero at the start): write the initial data here. A step
   * may move the state to another buffer, so read this again after stepping.
   */
  readonly state: Float64Array;
  /** The CFL step of the current state (timestep.ts: cfl·Δx/max|u| when ν = 0). */
  stableDt(): number;
  /** Advances the state by dt. */
  advance(dt: number): void;
  /** One step of `stableDt()`; returns it. */
  step(): number;
}

/** What the fused kernels need to know about a scheme they cover, or null. */
interface FusedPlan {
  ghost: number;
  weno: boolean;
  /** State weight: ½ for MUSCL, 0 for first order. */
  theta: number;
  godunov: boolean;
}

function fusedPlan(r: ResolvedScheme, bc: BoundaryCondition, nu: number): FusedPlan | null {
  if (bc !== "periodic" || nu !== 0) return null;
  if (r.reconstruction === "weno5") return { ghost: WENO_GHOST, weno: true, theta: 0, godunov: false };
  const theta = r.reconstruction === "muscl" ? 0.5 : r.reconstruction === "first-order" ? 0 : -1;
  if (theta < 0 || (r.flux !== "godunov" && r.flux !== "rusanov")) return null;
  return { ghost: MUSCL_GHOST, weno: false, theta, godunov: r.flux === "godunov" };
}

export function burgers1dStepper(o: Burgers1dStepperOptions): Burgers1dStepper {
  const cfl = checkCfl(o.cfl ?? 0.5);
  const nu = nonNegative(o.nu ?? 0, "nu");
  const bc = checkBoundary(o.bc ?? "periodic");
  const choice = kernelChoice(o.kernels);
  const resolved = burgersScheme(o.scheme, { flux: o.flux, stepper: o.stepper });
  const plan = choice === "generic" ? null : fusedPlan(resolved, bc, nu);
  if (plan) return fusedStepper(o.grid, resolved, plan, stageKernels(choice as Exclude<KernelChoice, "generic">), cfl);
  if (choice !== "auto" && choice !== "generic") {
    throw new InputError(
      `kernels: ${choice} covers periodic inviscid muscl or first-order (godunov, rusanov flux) and weno5; ` +
        `got ${resolved.label} (bc ${bc}, nu ${nu}); use auto or generic`,
      { field: "kernels" },
    );
  }
  return genericStepper(o.grid, resolved, bc, nu, cfl);
}

function genericStepper(
  grid: Grid1D,
  r: ResolvedScheme,
  bc: BoundaryCondition,
  nu: number,
  cfl: number,
): Burgers1dStepper {
  const u = new Float64Array(grid.n);
  const rhs = conservativeRhs(r.spatial, grid.n, grid.dx, bc, nu);
  const stepper = makeStepper(r.stepper, grid.n);
  const dx = [grid.dx],
    speed = [0];
  const stableDt = (): number => {
    speed[0] = maxAbs(u);
    return cflTimeStep(cfl, dx, speed, nu);
  };
  const advance = (dt: number): void => stepper.step(u, dt, rhs);
  return {
    kernels: "generic",
    label: r.label,
    values: r.state,
    state: u,
    stableDt,
    advance,
    step() {
      const dt = stableDt();
      advance(dt);
      return dt;
    },
  };
}

/**
 * The SSP stages on ghosted buffers: stage 0 reads the state U, the middle stages ping-pong
 * between scratch buffers, the last writes back into U (its u0). A one-stage stepper (Euler)
 * writes into scratch and swaps it with U, since a stage never writes its own input.
 */
function fusedStepper(
  grid: Grid1D,
  r: ResolvedScheme,
  plan: FusedPlan,
  K: StageKernels,
  cfl: number,
): Burgers1dStepper {
  const { n } = grid;
  const { ghost: g, weno, theta, godunov } = plan;
  const invDx = 1 / grid.dx;
  const stages = lookup(SSP_STAGES, r.stepper, "stepper");
  const len = n + 2 * g;
  const bufs = K.fields(stages.length > 2 ? [len, len, len] : [len, len]);
  const views = bufs.map((b) => b.subarray(g, g + n));
  const dx = [grid.dx],
    speed = [0];
  const stableDt = (): number => {
    speed[0] = K.maxAbs(bufs[0], g, n);
    return cflTimeStep(cfl, dx, speed, 0);
  };
  const advance = (dt: number): void => {
    const U = bufs[0];
    let v = U;
    for (let q = 0; q < stages.length; q++) {
      const [a, b] = stages[q];
      const out = q > 0 && q === stages.length - 1 ? U : bufs[1 + (q % 2)];
      fillGhosts(v, n, g, "periodic");
      if (weno) K.wenoStage(v, U, out, n, invDx, dt, a, b);
      else K.musclStage(v, U, out, n, invDx, dt, a, b, theta, godunov);
      v = out;
    }
    if (stages.length === 1) {
      bufs[0] = bufs[1];
      bufs[1] = U;
      const w = views[0];
      views[0] = views[1];
      views[1] = w;
    }
  };
  return {
    kernels: K.name,
    label: r.label,
    values: r.state,
    stableDt,
    advance,
    get state() {
      return views[0];
    },
    step() {
      const dt = stableDt();
      advance(dt);
      return dt;
    },
  };
}
