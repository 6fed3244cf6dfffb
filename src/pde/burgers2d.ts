/**
 * 2-D scalar viscous Burgers u_t + (u²/2)_x + (u²/2)_y = νΔu, dimension by dimension (unsplit
 * method of lines): L(u) = L_x(u) + L_y(u), each the 1-D conservative operator of spatial.ts
 * applied to every row/column (WENO5 uses the global α = max|u| of the whole field), with
 * Δt = cfl/(max|u|(1/Δx + 1/Δy) + 2ν(1/Δx² + 1/Δy²)).
 * The 2-D vector form p_t + (p·∇)p = νΔp lives in burgersVector2d.ts.
 */
import { mass, maxAbs } from "./grid.ts";
import { type Grid2D, getLine, putLine } from "./grid2d.ts";
import { burgersScheme } from "./schemes.ts";
import { conservativeRhs, type Rhs } from "./spatial.ts";
import { checkRun, cflTimeStep, integrate, makeStepper, type RunControls, type StepperName } from "./timestep.ts";

export interface Burgers2dOptions extends RunControls {
  grid: Grid2D;
  /** Initial cell averages, row-major nx·ny. */
  u0: ArrayLike<number>;
  scheme: string;
  flux?: string;
}

export interface Pde2dResult {
  u: Float64Array;
  t: number;
  steps: number;
  /** Δx Δy Σ u. */
  mass: number;
  scheme: string;
}

/** L_x + L_y from two 1-D line operators (one per direction). */
function dimensionalRhs(o: Burgers2dOptions, nu: number): { rhs: Rhs; label: string; stepper: StepperName } {
  const { x, y } = o.grid;
  const bc = o.bc ?? "periodic";
  const sx = burgersScheme(o.scheme, { flux: o.flux, stepper: o.stepper });
  const sy = burgersScheme(o.scheme, { flux: o.flux, stepper: o.stepper });
  const lines = [
    { n: x.n, count: y.n, op: conservativeRhs(sx.spatial, x.n, x.dx, bc, nu) },
    { n: y.n, count: x.n, op: conservativeRhs(sy.spatial, y.n, y.dx, bc, nu) },
  ];
  const bufs = lines.map((l) => ({ inp: new Float64Array(l.n), out: new Float64Array(l.n) }));
  const rhs: Rhs = (u, out) => {
    const alpha = maxAbs(u);
    for (const axis of [0, 1] as const) {
      const { count, op } = lines[axis];
      const { inp, out: lo } = bufs[axis];
      for (let line = 0; line < count; line++) {
        getLine(u, x.n, y.n, axis, line, inp);
        op(inp, lo, alpha);
        putLine(out, x.n, y.n, axis, line, lo, axis === 1);
      }
    }
  };
  return { rhs, label: sx.label, stepper: sx.stepper };
}

export function solveBurgers2d(o: Burgers2dOptions): Pde2dResult {
  const { x, y } = o.grid;
  const N = x.n * y.n;
  const { nu, cfl } = checkRun(o.u0, N, "nx·ny", o);
  const { rhs, label, stepper } = dimensionalRhs(o, nu);
  const u = Float64Array.from(o.u0);
  const res = integrate({
    u,
    rhs,
    stepper: makeStepper(stepper, N),
    dt: (v) => {
      const a = maxAbs(v);
      return cflTimeStep(cfl, [x.dx, y.dx], [a, a], nu);
    },
    t: o.t,
    steps: o.steps,
    maxDt: o.maxDt,
    onStep: o.onStep,
  });
  return { u, t: res.t, steps: res.steps, mass: mass(u, x.dx * y.dx), scheme: label };
}
