/**
 * Stochastic Lanczos quadrature (Ubaru, Chen & Saad 2017; Ghorbani et al. 2019) for the spectral
 * density of a symmetric operator. For a unit probe z, m Lanczos steps give T_m = Y diag(θ) Yᵀ, and
 *   zᵀ f(A) z ≈ Σ_k τ_k² f(θ_k),   τ_k = Y[0, k]  (Gauss quadrature, exact for deg f ≤ 2m − 1).
 * Averaging over probes estimates (1/dim) tr f(A); the density is the mixture of the nodes θ_k with
 * weights τ_k², broadened by a Gaussian of width σ. With a projector the density is that of A
 * restricted to range(P) and dim = rank(P).
 */
import { type Key, split } from "../core/random.ts";
import { type LinearOperator, type Projector, lanczos, tridiagonalEig } from "./lanczos.ts";
import { rademacher } from "./hutchinson.ts";

export interface SpectralDensity {
  /** Per probe: quadrature nodes θ_k (Ritz values) and weights τ_k² (summing to 1). */
  nodes: Float64Array[];
  weights: Float64Array[];
  /** Dimension the density is normalised over (n, or rank(P) when projected). */
  dim: number;
  /** Estimate of tr f(A) = dim · mean over probes of Σ τ_k² f(θ_k). */
  traceOf(f: (lambda: number) => number): number;
  /** Gaussian-broadened density at the grid points; integrates to 1 over ℝ. */
  density(grid: ArrayLike<number>, sigma: number): Float64Array;
}

export function spectralDensity(
  op: LinearOperator,
  opts: { samples?: number; steps?: number; key: Key; project?: Projector; dim?: number },
): SpectralDensity {
  const ns = opts.samples ?? 4;
  const steps = Math.min(op.n, opts.steps ?? 30);
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  for (const k of split(opts.key, ns)) {
    let z = rademacher(k, op.n);
    if (opts.project) z = opts.project(z);
    let nz = 0;
    for (let i = 0; i < z.length; i++) nz += z[i] * z[i];
    nz = Math.sqrt(nz);
    if (!(nz > 0)) continue;
    for (let i = 0; i < z.length; i++) z[i] /= nz;
    const run = lanczos(op, z, steps, opts.project);
    const m = run.alpha.length;
    const { values, vectors } = tridiagonalEig(run);
    nodes.push(values);
    weights.push(Float64Array.from({ length: m }, (_, j) => vectors[j] * vectors[j]));
  }
  const dim = opts.dim ?? op.n;
  return {
    nodes,
    weights,
    dim,
    traceOf(f) {
      let s = 0;
      nodes.forEach((th, p) =>
        th.forEach((t, k) => {
          s += weights[p][k] * f(t);
        }),
      );
      return nodes.length ? (dim * s) / nodes.length : 0;
    },
    density(grid, sigma) {
      if (!(sigma > 0)) throw new Error(`spectralDensity: sigma must be > 0, got ${sigma}`);
      const out = new Float64Array(grid.length);
      const c = 1 / (Math.sqrt(2 * Math.PI) * sigma * Math.max(nodes.length, 1));
      for (let g = 0; g < grid.length; g++) {
        let s = 0;
        nodes.forEach((th, p) =>
          th.forEach((t, k) => {
            s += weights[p][k] * Math.exp(-0.5 * ((grid[g] - t) / sigma) ** 2);
          }),
        );
        out[g] = c * s;
      }
      return out;
    },
  };
}
