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
import { lookup } from "./validate.ts";

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

/** A stepper owning scratch buffers for states of length n. */
export function makeStepper(name: string, n: number): Stepper {
  const info = lookup(STEPPER_INFO, name, "stepper");
  const k = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const kind = name as StepperName;
  const step = (u: Float64Array, dt: number, rhs: Rhs): void => {
    rhs(u, k);
    if (kind === "euler") {
      for (let i = 0; i < n; i++) u[i] += dt * k[i];
      return;
    }
    for (let i = 0; i < n; i++) u1[i] = u[i] + dt * k[i];
    rhs(u1, k);
    if (kind === "ssprk2") {
      for (let i = 0; i < n; i++) u[i] = 0.5 * u[i] + 0.5 * (u1[i] + dt * k[i]);
      return;
    }
    for (let i = 0; i < n; i++) u2[i] = 0.75 * u[i] + 0.25 * (u1[i] + dt * k[i]);
    rhs(u2, k);
    for (let i = 0; i < n; i++) u[i] = (1 / 3) * u[i] + (2 / 3) * (u2[i] + dt * k[i]);
  };
  return { name: kind, order: info.order, reference: info.reference, step };
}

/** Δt = cfl / (Σ a_d/Δx_d + 2ν Σ 1/Δx_d²); +∞ when nothing moves (then one step reaches the end). */
export function cflTimeStep(cfl: number, dx: readonly number[], speed: readonly number[], nu: number): number {
  let rate = 0;
  for (let d = 0; d < dx.length; d++) rate += speed[d] / dx[d] + (2 * nu) / (dx[d] * dx[d]);
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

/** Runs the stepper until t (or for `steps` steps); returns the reached time and the step count. */
export function integrate(o: IntegrateOptions): { t: number; steps: number } {
  const T = o.t ?? Infinity;
  const nSteps = o.steps ?? Infinity;
  const maxSteps = o.maxSteps ?? 1e7;
  const cap = o.maxDt ?? Infinity;
  let time = 0;
  let count = 0;
  while (time < T && count < nSteps) {
    let dt = Math.min(o.dt(o.u), cap);
    if (!(dt > 0)) {
      throw new Error(`time step is ${dt} at t=${time} (the solution is not finite; lower --cfl or check the data)`);
    }
    let last = false;
    // shorten the last step to land on T; absorb a remainder below 1e-12 relative into this step
    if (time + dt >= T - 1e-12 * Math.max(T, 1e-300)) {
      dt = T - time;
      last = true;
    }
    o.stepper.step(o.u, dt, o.rhs);
    time = last ? T : time + dt;
    count++;
    o.onStep?.(o.u, time, count);
    if (count >= maxSteps && time < T) throw new Error(`no convergence to t=${T}: ${count} steps reached t=${time}`);
  }
  return { t: time, steps: count };
}
