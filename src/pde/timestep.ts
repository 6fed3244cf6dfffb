/**
 * Explicit time stepping for semi-discrete systems du/dt = L(u):
 *   euler:  u ← u + Δt L(u)
 *   ssprk2: u₁ = u + Δt L(u);  u ← ½u + ½(u₁ + Δt L(u₁))                         (Shu–Osher 1988)
 *   ssprk3: u₁ = u + Δt L(u);  u₂ = ¾u + ¼(u₁ + Δt L(u₁));  u ← ⅓u + ⅔(u₂ + Δt L(u₂))
 * All three are strong-stability preserving with SSP coefficient 1, so TVD/monotone properties of
 * forward Euler under a CFL number carry over. The CFL step (one explicit advection–diffusion rule)
 *   Δt = cfl / (Σ_d a_d/Δx_d + 2ν Σ_d 1/Δx_d²)
 * equals cfl·Δx/max|u| when ν = 0 and implies the viscous limit Δt ≤ cfl·Δx²/(2νd).
 */
import type { BoundaryCondition } from "./grid.ts";
import type { Rhs } from "./spatial.ts";
import { InputError } from "../errors.ts";
import { fieldError, finiteArray, lookup, nonNegative, positive } from "../validate.ts";

export type StepperName = "euler" | "ssprk2" | "ssprk3";

/** The run controls every time-dependent solver takes (on top of its grid, data and scheme). */
export interface RunControls {
  /** Final time (≥ 0); or give `steps`. */
  t?: number;
  steps?: number;
  nu?: number;
  bc?: BoundaryCondition;
  cfl?: number;
  stepper?: StepperName;
  maxDt?: number;
  onStep?: (u: Float64Array, t: number, step: number) => void;
}

/**
 * Checks a time-dependent solve's initial data (`n` finite values, `layout` naming the expected
 * arrangement) and run controls (ν ≥ 0, CFL > 0, a final time ≥ 0 or a step count); returns ν and
 * the CFL number with their defaults (0 and 0.5).
 */
/**
 * The CFL number: in (0, 1]. Every explicit scheme here (Godunov and Rusanov fluxes with forward
 * Euler, MUSCL and WENO5 with SSP Runge–Kutta, the monotone HJ schemes) is stable only up to
 * CFL 1 — MUSCL's TVD bound is even ½ — so a larger one is refused instead of blowing up.
 */
export function checkCfl(v: unknown): number {
  const cfl = positive(v, "cfl");
  if (cfl > 1) throw fieldError("cfl", "a number in (0, 1] (the explicit schemes are unstable above 1)", cfl);
  return cfl;
}

export function checkRun(
  u0: ArrayLike<number>,
  n: number,
  layout: string,
  c: RunControls,
): { nu: number; cfl: number } {
  if (u0.length !== n) throw new InputError(`u0: expected ${n} values (${layout}), got ${u0.length}`, { field: "u0" });
  finiteArray(u0, "u0");
  const nu = nonNegative(c.nu ?? 0, "nu");
  const cfl = checkCfl(c.cfl ?? 0.5);
  if (c.t === undefined && c.steps === undefined)
    throw new InputError("t: expected a final time (or steps)", { field: "t" });
  if (c.t !== undefined) nonNegative(c.t, "t");
  return { nu, cfl };
}

export interface Stepper {
  readonly name: StepperName;
  readonly order: number;
  readonly reference: string;
  /** Advances `u` in place by dt. */
  step(u: Float64Array, dt: number, rhs: Rhs): void;
}

export const STEPPER_INFO: Readonly<Record<StepperName, { order: number; reference: string }>> = {
  euler: { order: 1, reference: "forward Euler" },
  ssprk2: { order: 2, reference: "Shu & Osher (1988) J. Comput. Phys. 77, SSP-RK2 (Heun)" },
  ssprk3: { order: 3, reference: "Shu & Osher (1988) J. Comput. Phys. 77, SSP-RK3" },
};

/**
 * The steppers in Shu–Osher form: stage q writes a·u + b·(v + Δt L(v)) from the previous stage's
 * output v (the step's input u for q = 0). One table for the generic stepper below and the fused
 * stage kernels (burgersStepper.ts), so both evaluate the same arithmetic.
 */
export const SSP_STAGES: Readonly<Record<StepperName, readonly (readonly [a: number, b: number])[]>> = {
  euler: [[0, 1]],
  ssprk2: [
    [0, 1],
    [0.5, 0.5],
  ],
  ssprk3: [
    [0, 1],
    [0.75, 0.25],
    [1 / 3, 2 / 3],
  ],
};

/** A stepper owning scratch buffers for states of length n. */
export function makeStepper(name: string, n: number): Stepper {
  const info = lookup(STEPPER_INFO, name, "stepper");
  const kind = name as StepperName;
  const stages = SSP_STAGES[kind];
  const k = new Float64Array(n);
  const scratch = stages.length > 1 ? [new Float64Array(n), new Float64Array(stages.length > 2 ? n : 0)] : [];
  const step = (u: Float64Array, dt: number, rhs: Rhs): void => {
    let v = u;
    for (let q = 0; q < stages.length; q++) {
      const [a, b] = stages[q];
      // the last stage lands in u (it reads u[i] before writing it); the others ping-pong
      const out = q === stages.length - 1 ? u : scratch[q % 2];
      rhs(v, k);
      if (a === 0) for (let i = 0; i < n; i++) out[i] = b * (v[i] + dt * k[i]);
      else for (let i = 0; i < n; i++) out[i] = a * u[i] + b * (v[i] + dt * k[i]);
      v = out;
    }
  };
  return { name: kind, order: info.order, reference: info.reference, step };
}

/**
 * Δt = cfl / (Σ a_d/Δx_d + 2ν Σ 1/Δx_d²); +∞ when nothing moves (then one step reaches the end);
 * NaN when a speed is NaN (a state that is no longer finite), which the clock rejects.
 */
export function cflTimeStep(cfl: number, dx: readonly number[], speed: readonly number[], nu: number): number {
  let rate = 0;
  for (let d = 0; d < dx.length; d++) rate += speed[d] / dx[d] + (2 * nu) / (dx[d] * dx[d]);
  if (Number.isNaN(rate)) return NaN;
  return rate > 0 ? cfl / rate : Infinity;
}

export interface IntegrateOptions {
  u: Float64Array;
  rhs: Rhs;
  stepper: Stepper;
  /** Stable step for the current state (called once per step, on the step's initial u). */
  dt: (u: Float64Array) => number;
  /** Final time, hit exactly (the last step is shortened). */
  t?: number;
  /** Alternatively a fixed number of CFL steps (the final time is then wherever it lands). */
  steps?: number;
  /** Cap on Δt, e.g. c·Δx^{5/3} so that RK3's time error stays below WENO5's space error. */
  maxDt?: number;
  onStep?: (u: Float64Array, t: number, step: number) => void;
  /** Safety stop (default 10⁷ steps). */
  maxSteps?: number;
}

/** When a run stops: a final time, hit exactly, or a number of steps (the controls of integrate). */
export interface ClockOptions {
  t?: number;
  steps?: number;
  maxDt?: number;
  maxSteps?: number;
}

/**
 * The time loop of every explicit solver: Δt = min(dt(), maxDt) for the current state, the last
 * step shortened to land on t, `advance(Δt)`, then `after(time, count)`. Returns the reached time
 * and the step count. Solvers that keep their state in their own buffers (the fused kernels,
 * double-buffered stencils) call it directly; `integrate` is it for a stepper over one array.
 */
export function runClock(
  c: ClockOptions,
  dt: () => number,
  advance: (dt: number) => void,
  after?: (t: number, step: number) => void,
): { t: number; steps: number } {
  const T = c.t ?? Infinity;
  const nSteps = c.steps ?? Infinity;
  const maxSteps = c.maxSteps ?? 1e7;
  const cap = c.maxDt ?? Infinity;
  let time = 0;
  let count = 0;
  while (time < T && count < nSteps) {
    let h = Math.min(dt(), cap);
    if (!(h > 0)) {
      throw new Error(`time step is ${h} at t=${time} (the solution is not finite; lower --cfl or check the data)`);
    }
    let last = false;
    // shorten the last step to land on T; absorb a remainder below 1e-12 relative into this step
    if (time + h >= T - 1e-12 * Math.max(T, 1e-300)) {
      h = T - time;
      last = true;
    }
    advance(h);
    time = last ? T : time + h;
    count++;
    after?.(time, count);
    if (count >= maxSteps && time < T) throw new Error(`no convergence to t=${T}: ${count} steps reached t=${time}`);
  }
  return { t: time, steps: count };
}

/** Runs the stepper until t (or for `steps` steps); returns the reached time and the step count. */
export function integrate(o: IntegrateOptions): { t: number; steps: number } {
  const { u, rhs, stepper, onStep } = o;
  return runClock(
    o,
    () => o.dt(u),
    (dt) => stepper.step(u, dt, rhs),
    onStep && ((t, k) => onStep(u, t, k)),
  );
}
