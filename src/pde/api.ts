/**
 * The high-level entry points: one call = grid + initial data + scheme + time stepping.
 *   burgers({ic, scheme, cells, domain, t, nu, bc, cfl}) → {x, u, t, steps, mass, scheme, dx}
 *   hj({...})                                            → same, plus p for the exact schemes
 *   solvePde("burgers" | "hj", opts)                       → the CLI's JSON object
 *                                                            {scheme, cells, t, steps, mass, shocks}
 */
import { InputError } from "../errors.ts";
import { solveBurgers1d, type PdeResult } from "./burgers1d.ts";
import { type BoundaryCondition, checkBoundary, makeGrid, mass } from "./grid.ts";
import { exactHjOnGrid } from "./hj/exactSolve.ts";
import { HJ_GRID_SCHEMES, solveHj1d } from "./hj/hj1d.ts";
import { type Equation, extendedData, type IcInput, initialState } from "./ic.ts";
import { detectShocks, hjGradient, type Shock, type ShockOptions } from "./shocks.ts";
import { burgersScheme } from "./schemes.ts";
import type { StepperName } from "./timestep.ts";
import { finite, nonNegative } from "../validate.ts";

export interface SolveOptions {
  ic: IcInput;
  scheme?: string;
  cells: number;
  /** Default [0, 2π]. */
  domain?: readonly [number, number];
  t: number;
  nu?: number;
  bc?: BoundaryCondition;
  cfl?: number;
  /** Burgers only: override the numerical flux (e.g. "rusanov" for MUSCL). */
  flux?: string;
  stepper?: StepperName;
  maxDt?: number;
  onStep?: (u: Float64Array, t: number, step: number) => void;
}

function setup(o: SolveOptions) {
  const [a, b] = o.domain ?? [0, 2 * Math.PI];
  finite(a, "domain");
  finite(b, "domain");
  const grid = makeGrid(a, b, o.cells);
  const bc = checkBoundary(o.bc ?? "periodic");
  finite(o.t, "t");
  nonNegative(o.t, "t");
  const nu = nonNegative(o.nu ?? 0, "nu");
  return { grid, bc, nu };
}

/**
 * Finite-volume schemes start from exact cell averages; WENO5 (finite-difference form) from point
 * values at the centres, and its result `u` holds point values (`values: "point"`).
 */
export function burgers(o: SolveOptions): PdeResult {
  const { grid, bc, nu } = setup(o);
  const scheme = o.scheme ?? "godunov";
  const pointValues = burgersScheme(scheme, { flux: o.flux }).state === "point";
  return solveBurgers1d({
    grid,
    u0: initialState(o.ic, "burgers", grid, pointValues ? "point" : "average"),
    scheme,
    t: o.t,
    nu,
    bc,
    cfl: o.cfl,
    flux: o.flux,
    stepper: o.stepper,
    maxDt: o.maxDt,
    onStep: o.onStep,
  });
}

export const HJ_EXACT_SCHEMES: readonly string[] = ["hopf-lax", "cole-hopf"];

export function hj(o: SolveOptions): PdeResult {
  const { grid, bc, nu } = setup(o);
  const scheme = o.scheme ?? "godunov";
  if (!HJ_EXACT_SCHEMES.includes(scheme) && !HJ_GRID_SCHEMES.includes(scheme)) {
    throw new InputError(
      `scheme: expected one of ${[...HJ_GRID_SCHEMES, ...HJ_EXACT_SCHEMES].join(", ")}, got ${JSON.stringify(scheme)}`,
      { field: "scheme" },
    );
  }
  if (!HJ_EXACT_SCHEMES.includes(scheme)) {
    return solveHj1d({
      grid,
      u0: initialState(o.ic, "hj", grid),
      scheme,
      t: o.t,
      nu,
      bc,
      cfl: o.cfl,
      stepper: o.stepper,
      maxDt: o.maxDt,
      onStep: o.onStep,
    });
  }
  if (scheme === "hopf-lax" && nu > 0)
    throw new InputError("nu: hopf-lax is the inviscid (nu = 0) solution; use --scheme cole-hopf for nu > 0", {
      field: "nu",
    });
  if (scheme === "cole-hopf" && nu === 0)
    throw new InputError("nu: cole-hopf needs nu > 0 (beta = 1/(2 nu)); use --scheme hopf-lax for nu = 0", {
      field: "nu",
    });
  const u0 = initialState(o.ic, "hj", grid);
  if (o.t === 0)
    return { x: grid.x, u: u0, t: 0, steps: 0, mass: mass(u0, grid.dx), scheme, dx: grid.dx, values: "point" };
  const r = exactHjOnGrid(extendedData(o.ic, grid, bc), grid, o.t, nu);
  return {
    x: grid.x,
    u: r.u,
    p: r.p,
    t: o.t,
    steps: 0,
    mass: mass(r.u, grid.dx),
    scheme,
    dx: grid.dx,
    values: "point",
  };
}

/** Shocks of a result: of u itself for Burgers, of p = u_x for HJ (exact p when available). */
export function resultShocks(eq: Equation, r: PdeResult, bc: BoundaryCondition, opts: ShockOptions = {}): Shock[] {
  const periodic = bc === "periodic";
  if (eq === "burgers") return detectShocks(r.x, r.u, { periodic, ...opts });
  if (r.p) return detectShocks(r.x, r.p, { periodic, ...opts });
  const g = hjGradient(r.x, r.u, periodic);
  return detectShocks(g.x, g.p, { periodic, ...opts });
}

export interface PdeSummary {
  scheme: string;
  cells: number;
  t: number;
  steps: number;
  mass: number;
  /** What `u` (and `--out`) holds: Burgers cell averages, or point values (HJ, and WENO5's finite-difference form). */
  values: "average" | "point";
  shocks: { x: number; left: number; right: number; speed: number }[];
}

/** Solve and summarise (the object `shocklens pde … --json` prints); also returns the state. */
export function solvePde(eq: Equation, o: SolveOptions): { summary: PdeSummary; result: PdeResult } {
  const result = eq === "burgers" ? burgers(o) : hj(o);
  const shocks = resultShocks(eq, result, o.bc ?? "periodic").map(({ x, left, right, speed }) => ({
    x,
    left,
    right,
    speed,
  }));
  return {
    summary: {
      scheme: result.scheme,
      cells: result.u.length,
      t: result.t,
      steps: result.steps,
      mass: result.mass,
      values: result.values,
      shocks,
    },
    result,
  };
}
