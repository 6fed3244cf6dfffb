/**
 * 2-D vector viscous Burgers p_t + (p·∇)p = νΔp for p = (p1, p2) = ∇u (docs/theory.md §a.5).
 *
 * Form discretised: the conservative gradient form
 *   ∂t p_i + ∂_i(|p|²/2) = νΔp_i,   i.e. ∂t p + ∂x(e₁|p|²/2) + ∂y(e₂|p|²/2) = νΔp,
 * which equals the advective form for curl-free p (∇(|p|²/2) = (p·∇)p + p × curl p). Why this
 * one: it is the gradient of the HJ equation, so its weak solutions carry the right jump
 * conditions — the Rankine–Hugoniot speed of a shock of p is that of the kink of u — whereas the
 * advective form has products of a jump with a delta and no unique weak solution across shocks.
 *
 * Flux per direction d: G_d(p) = e_d |p|²/2 with Jacobian e_d pᵀ (eigenvalues p_d and 0), so the
 * Rusanov (local Lax–Friedrichs) flux is F = ½(G_d(pL) + G_d(pR)) − ½ max(|p_dL|, |p_dR|)(pR − pL),
 * fed by first-order ("rusanov", forward Euler) or MUSCL-minmod ("muscl", SSP-RK2) states of each
 * component. The dissipation acts on both components, so curl p = 0 holds up to O(Δx) (tested).
 */
import { InputError } from "../errors.ts";
import { type BoundaryCondition, fillGhosts, maxAbs } from "./grid.ts";
import { type Grid2D, getLine, putLine } from "./grid2d.ts";
import { firstOrder } from "./reconstruction/firstOrder.ts";
import { musclMinmod } from "./reconstruction/muscl.ts";
import type { Reconstruction } from "./reconstruction/types.ts";
import type { Rhs } from "./spatial.ts";
import { cflTimeStep, integrate, makeStepper, type StepperName } from "./timestep.ts";
import { finiteArray, lookup, nonNegative, positive } from "../validate.ts";

const VECTOR_SCHEMES: Readonly<Record<string, { recon: Reconstruction; stepper: StepperName }>> = {
  rusanov: { recon: firstOrder, stepper: "euler" },
  muscl: { recon: musclMinmod, stepper: "ssprk2" },
};

export interface BurgersVector2dOptions {
  grid: Grid2D;
  /** Initial (p1, p2) cell averages, row-major nx·ny each. */
  p0: [ArrayLike<number>, ArrayLike<number>];
  scheme?: "rusanov" | "muscl";
  t: number;
  nu?: number;
  bc?: BoundaryCondition;
  cfl?: number;
  maxDt?: number;
}

export interface BurgersVector2dResult {
  p1: Float64Array;
  p2: Float64Array;
  t: number;
  steps: number;
}

export function solveBurgersVector2d(o: BurgersVector2dOptions): BurgersVector2dResult {
  const { x, y } = o.grid;
  const N = x.n * y.n;
  for (const [k, p] of o.p0.entries()) {
    if (p.length !== N) throw new InputError(`p0[${k}]: expected ${N} values (nx·ny), got ${p.length}`);
    finiteArray(p, `p0[${k}]`);
  }
  const nu = nonNegative(o.nu ?? 0, "nu");
  const cfl = positive(o.cfl ?? 0.5, "cfl");
  nonNegative(o.t, "t");
  const spec = lookup(VECTOR_SCHEMES, o.scheme ?? "rusanov", "scheme");
  const bc = o.bc ?? "periodic";
  const g = spec.recon.ghost;
  const nMax = Math.max(x.n, y.n);
  const line = [new Float64Array(nMax), new Float64Array(nMax)];
  const pad = [new Float64Array(nMax + 2 * g), new Float64Array(nMax + 2 * g)];
  const L = [new Float64Array(nMax + 1), new Float64Array(nMax + 1)];
  const R = [new Float64Array(nMax + 1), new Float64Array(nMax + 1)];
  const F = [new Float64Array(nMax + 1), new Float64Array(nMax + 1)];
  const res = [new Float64Array(nMax), new Float64Array(nMax)];

  // One direction `axis` of the operator, added to out (out = [dp1, dp2] views of the state).
  const direction = (p: Float64Array[], out: Float64Array[], axis: 0 | 1): void => {
    const n = axis === 0 ? x.n : y.n;
    const count = axis === 0 ? y.n : x.n;
    const dx = axis === 0 ? x.dx : y.dx;
    const visc = nu / (dx * dx);
    for (let l = 0; l < count; l++) {
      for (let c = 0; c < 2; c++) {
        getLine(p[c], x.n, y.n, axis, l, line[c]);
        for (let i = 0; i < n; i++) pad[c][g + i] = line[c][i];
        fillGhosts(pad[c], n, g, bc);
        spec.recon.states(pad[c], n, L[c], R[c]);
      }
      for (let j = 0; j <= n; j++) {
        const a1 = L[0][j],
          a2 = L[1][j],
          b1 = R[0][j],
          b2 = R[1][j];
        const a = Math.max(Math.abs(axis === 0 ? a1 : a2), Math.abs(axis === 0 ? b1 : b2));
        const central = 0.25 * (a1 * a1 + a2 * a2 + b1 * b1 + b2 * b2);
        F[0][j] = (axis === 0 ? central : 0) - 0.5 * a * (b1 - a1);
        F[1][j] = (axis === 1 ? central : 0) - 0.5 * a * (b2 - a2);
      }
      for (let c = 0; c < 2; c++) {
        const u = pad[c];
        for (let i = 0; i < n; i++)
          res[c][i] = -(F[c][i + 1] - F[c][i]) / dx + visc * (u[g + i + 1] - 2 * u[g + i] + u[g + i - 1]);
        putLine(out[c], x.n, y.n, axis, l, res[c], axis === 1);
      }
    }
  };
  const rhs: Rhs = (state, outState) => {
    const p = [state.subarray(0, N), state.subarray(N)];
    const out = [outState.subarray(0, N), outState.subarray(N)];
    direction(p, out, 0);
    direction(p, out, 1);
  };
  const state = new Float64Array(2 * N);
  state.set(Float64Array.from(o.p0[0]), 0);
  state.set(Float64Array.from(o.p0[1]), N);
  const r = integrate({
    u: state,
    rhs,
    stepper: makeStepper(spec.stepper, 2 * N),
    dt: (s) => cflTimeStep(cfl, [x.dx, y.dx], [maxAbs(s.subarray(0, N)), maxAbs(s.subarray(N))], nu),
    t: o.t,
    maxDt: o.maxDt,
  });
  return { p1: state.slice(0, N), p2: state.slice(N), t: r.t, steps: r.steps };
}
