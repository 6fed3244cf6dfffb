/**
 * 2-D viscous HJ u_t + ½|∇u|² = νΔu on centre values, row-major (i along x). The Hamiltonian is
 * separable, H = ½p² + ½q², so both monotone numerical Hamiltonians are sums of the 1-D ones:
 *   Ĥ = Ĥ₁(p⁻, p⁺; α_x) + Ĥ₁(q⁻, q⁺; α_y),  α_x = max|p±|, α_y = max|q±| (global),
 * with p± / q± one-sided derivatives along x / y (first order or ENO2), plus νΔ_h u (5-point).
 * Δt = cfl/(α_x/Δx + α_y/Δy + 2ν(1/Δx² + 1/Δy²)). Boundaries as in hj1d.ts.
 */
import { fillGhosts, mass } from "../grid.ts";
import { type Grid2D, getLine } from "../grid2d.ts";
import { checkRun, cflTimeStep, integrate, makeStepper, type RunControls } from "../timestep.ts";
import type { Pde2dResult } from "../burgers2d.ts";
import { DERIVATIVE_GHOST, oneSided } from "./derivatives.ts";
import { hjScheme } from "./hj1d.ts";

export interface Hj2dOptions extends RunControls {
  grid: Grid2D;
  /** Initial centre values, row-major nx·ny. */
  u0: ArrayLike<number>;
  scheme: string;
}

export function solveHj2d(o: Hj2dOptions): Pde2dResult {
  const { x, y } = o.grid;
  const nx = x.n;
  const ny = y.n;
  const N = nx * ny;
  const { nu, cfl } = checkRun(o.u0, N, "nx·ny", o);
  const sch = hjScheme(o.scheme, o.stepper);
  const g = DERIVATIVE_GHOST[sch.derivative];
  const rule = (o.bc ?? "periodic") === "periodic" ? "periodic" : "linear";
  const H = sch.hamiltonian.H;
  // one-sided derivatives and second differences per direction, row-major
  const PM = [new Float64Array(N), new Float64Array(N)];
  const PP = [new Float64Array(N), new Float64Array(N)];
  const D2 = [new Float64Array(N), new Float64Array(N)];
  const nMax = Math.max(nx, ny);
  const line = new Float64Array(nMax);
  const pad = new Float64Array(nMax + 2 * g);
  const pm = new Float64Array(nMax);
  const pp = new Float64Array(nMax);
  const alpha = [0, 0];
  const derivatives = (u: Float64Array): void => {
    for (const axis of [0, 1] as const) {
      const n = axis === 0 ? nx : ny;
      const count = axis === 0 ? ny : nx;
      const h = axis === 0 ? x.dx : y.dx;
      let amax = 0;
      for (let l = 0; l < count; l++) {
        getLine(u, nx, ny, axis, l, line);
        for (let i = 0; i < n; i++) pad[g + i] = line[i];
        fillGhosts(pad, n, g, rule);
        amax = Math.max(amax, oneSided(sch.derivative, pad, n, h, pm, pp));
        for (let i = 0; i < n; i++) {
          const idx = axis === 0 ? i * ny + l : l * ny + i;
          PM[axis][idx] = pm[i];
          PP[axis][idx] = pp[i];
          D2[axis][idx] = (pad[g + i + 1] - 2 * pad[g + i] + pad[g + i - 1]) / (h * h);
        }
      }
      alpha[axis] = amax;
    }
  };
  const rhs = (u: Float64Array, out: Float64Array): void => {
    derivatives(u);
    const [ax, ay] = alpha;
    for (let k = 0; k < N; k++) {
      out[k] = -H(PM[0][k], PP[0][k], ax) - H(PM[1][k], PP[1][k], ay) + nu * (D2[0][k] + D2[1][k]);
    }
  };
  const u = Float64Array.from(o.u0);
  const r = integrate({
    u,
    rhs,
    stepper: makeStepper(sch.stepper, N),
    dt: (v) => {
      derivatives(v);
      return cflTimeStep(cfl, [x.dx, y.dx], alpha, nu);
    },
    t: o.t,
    steps: o.steps,
    maxDt: o.maxDt,
    onStep: o.onStep,
  });
  return { u, t: r.t, steps: r.steps, mass: mass(u, x.dx * y.dx), scheme: o.scheme };
}
