/**
 * 1-D viscous Hamilton–Jacobi u_t + ½u_x² = ν u_xx (sign convention of docs/theory.md §a.2) on centre
 * values by the method of lines:
 *   L(u)ᵢ = −Ĥ(p⁻ᵢ, p⁺ᵢ) + ν (u_{i+1} − 2uᵢ + u_{i−1})/Δx²,
 * Ĥ a monotone numerical Hamiltonian (Lax–Friedrichs or Godunov), p± first-order or ENO2
 * one-sided derivatives. Schemes: "lax-friedrichs", "godunov" (forward Euler) and their "-eno2"
 * variants (SSP-RK2). Δt = cfl/(α/Δx + 2ν/Δx²), α = max|p±| (monotone for cfl ≤ 1).
 * Boundaries: periodic, or "outflow" = linear extrapolation of u (zero ∂²u at the edge, i.e. a
 * zero-gradient condition on p = u_x, matching the Burgers outflow condition).
 */
import { InputError } from "../../errors.ts";
import type { PdeResult } from "../burgers1d.ts";
import { type Grid1D, fillGhosts, mass } from "../grid.ts";
import { checkRun, cflTimeStep, integrate, makeStepper, type RunControls, type StepperName } from "../timestep.ts";
import { DERIVATIVE_GHOST, type DerivativeKind, oneSided } from "./derivatives.ts";
import { getHamiltonian, type HamiltonianInfo } from "./hamiltonians.ts";

export const HJ_GRID_SCHEMES: readonly string[] = ["lax-friedrichs", "godunov", "lax-friedrichs-eno2", "godunov-eno2"];

export interface HjScheme {
  hamiltonian: HamiltonianInfo;
  derivative: DerivativeKind;
  stepper: StepperName;
}

/** "godunov-eno2" → Godunov Hamiltonian, ENO2 derivatives, SSP-RK2. */
export function hjScheme(name: string, stepper?: StepperName): HjScheme {
  const eno = typeof name === "string" && name.endsWith("-eno2");
  const base = eno ? name.slice(0, -"-eno2".length) : name;
  if (!HJ_GRID_SCHEMES.includes(name)) {
    throw new InputError(`scheme: expected one of ${HJ_GRID_SCHEMES.join(", ")}, got ${JSON.stringify(name)}`, {
      field: "scheme",
    });
  }
  return {
    hamiltonian: getHamiltonian(base),
    derivative: eno ? "eno2" : "first",
    stepper: stepper ?? (eno ? "ssprk2" : "euler"),
  };
}

export interface Hj1dOptions extends RunControls {
  grid: Grid1D;
  /** Initial centre values (length grid.n). */
  u0: ArrayLike<number>;
  scheme: string;
}

export function solveHj1d(o: Hj1dOptions): PdeResult {
  const { grid } = o;
  const n = grid.n;
  const { nu, cfl } = checkRun(o.u0, n, "one per cell", o);
  const sch = hjScheme(o.scheme, o.stepper);
  const g = DERIVATIVE_GHOST[sch.derivative];
  const rule = (o.bc ?? "periodic") === "periodic" ? "periodic" : "linear";
  const ug = new Float64Array(n + 2 * g);
  const pm = new Float64Array(n);
  const pp = new Float64Array(n);
  const dx = grid.dx;
  const visc = nu / (dx * dx);
  const H = sch.hamiltonian.H;
  const derivatives = (u: Float64Array): number => {
    for (let i = 0; i < n; i++) ug[g + i] = u[i];
    fillGhosts(ug, n, g, rule);
    return oneSided(sch.derivative, ug, n, dx, pm, pp);
  };
  const rhs = (u: Float64Array, out: Float64Array): void => {
    const alpha = derivatives(u);
    for (let i = 0; i < n; i++) {
      const c = g + i;
      out[i] = -H(pm[i], pp[i], alpha) + visc * (ug[c + 1] - 2 * ug[c] + ug[c - 1]);
    }
  };
  const u = Float64Array.from(o.u0);
  const { t, steps } = integrate({
    u,
    rhs,
    stepper: makeStepper(sch.stepper, n),
    dt: (v) => cflTimeStep(cfl, [dx], [derivatives(v)], nu),
    t: o.t,
    steps: o.steps,
    maxDt: o.maxDt,
    onStep: o.onStep,
  });
  return { x: grid.x, u, t, steps, mass: mass(u, dx), scheme: o.scheme, dx, values: "point" };
}
