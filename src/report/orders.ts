/**
 * The HJ and Burgers residual orders of a 1-D loss's local entropy (docs/theory.md §e.1 step 3):
 * u(x, t) by Cole–Hopf at inverse temperature β (ν = 1/(2β)) on grids of step h (time step k ∝ h),
 * the centred residuals
 *   r_HJ = u_t + ½u_x² − νu_xx,   r_B = p_t + p p_x − νp_xx   (p = u_x from the Gibbs mean),
 * and the observed order of max|r| under refinement. Cole–Hopf is exact, so the residual is pure
 * finite-difference truncation and falls like h²: an order ≈ 2 says the coarse-grained loss solves
 * the viscous HJ equation and its gradient the viscous Burgers equation.
 */
import { coleHopf1d } from "../pde/hj/coleHopf.ts";
import type { YGrid } from "../pde/hj/hopfLax.ts";
import { observedOrder } from "../pde/convergence.ts";
import { burgersResidual1d, hjResidual1d } from "../pde/residual.ts";

export interface ResidualOrders {
  t: number;
  beta: number;
  h: number[];
  hjResidual: number[];
  burgersResidual: number[];
  hj: number;
  burgers: number;
}

/** Residual orders on x ∈ [a, b] at time t, grids of step h ∈ `steps`, k = h·kOverH. */
export function residualOrders(
  f: (y: number) => number,
  o: { a: number; b: number; t: number; beta: number; y: YGrid; steps: number[]; kOverH?: number },
): ResidualOrders {
  const nu = 1 / (2 * o.beta);
  const hj: number[] = [];
  const burgers: number[] = [];
  for (const h of o.steps) {
    const n = Math.round((o.b - o.a) / h) + 1;
    const x = Float64Array.from({ length: n }, (_, i) => o.a + i * h);
    const k = h * (o.kOverH ?? 0.1);
    const snap = [o.t - k, o.t, o.t + k].map((t) => coleHopf1d(f, x, t, o.beta, { y: o.y }));
    hj.push(hjResidual1d([snap[0].u, snap[1].u, snap[2].u], k, h, nu).maxAbs);
    burgers.push(burgersResidual1d([snap[0].p, snap[1].p, snap[2].p], k, h, nu).maxAbs);
  }
  return {
    t: o.t,
    beta: o.beta,
    h: o.steps,
    hjResidual: hj,
    burgersResidual: burgers,
    hj: observedOrder(o.steps, hj),
    burgers: observedOrder(o.steps, burgers),
  };
}
