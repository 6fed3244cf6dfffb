/**
 * Types of the local-entropy toolkit (docs/theory.md §a.1, a.5):
 *
 *   u(x,t) = −β⁻¹ log[(2πt/β)^{−n/2} ∫ exp(−βf(y) − β|x−y|²/(2t)) dy]
 *          = −β⁻¹ log E_{y∼N(x, (t/β)I)}[e^{−βf(y)}],
 *   ∇u     = (x − ⟨y⟩)/t,   ⟨·⟩ under ρ_x(y) ∝ exp(−βf(y) − β|x−y|²/(2t)),
 *
 * which solves u_t + ½|∇u|² = νΔu with ν = 1/(2β). Every estimator works on an `Objective`: a
 * scalar function of a flat Float64Array (a network loss through `treeObjective`/`modelObjective`,
 * or a 1-D/2-D slice of one through `sliceObjective`).
 */
import type { Key } from "../core/random.ts";

/** A scalar function f: ℝⁿ → ℝ on flat vectors. Arguments are never written to by callers. */
export interface Objective {
  readonly dim: number;
  value(y: Float64Array): number;
  /** f and ∇f (needed by the SGLD/MALA sampler). */
  valueAndGrad?(y: Float64Array): { value: number; grad: Float64Array };
  /** Hessian-vector product ∇²f(y)·v (needed only for Hessian slice directions). */
  hvp?(y: Float64Array, v: Float64Array): Float64Array;
}

export type Method = "sgld" | "importance" | "quadrature";
export const METHODS: readonly Method[] = ["sgld", "importance", "quadrature"];

export interface CommonOptions {
  /** Smoothing scale t > 0 (γ of Entropy-SGD; the PDE time). */
  t: number;
  /** Inverse temperature β > 0; the viscosity is ν = 1/(2β). */
  beta: number;
  /** Randomness: an explicit key, or a seed for `key(seed)` (default seed 0). */
  key?: Key;
  seed?: number;
}

export interface ImportanceOptions extends CommonOptions {
  /** Initial number of kernel samples (default 1024); doubled until `stderr` is reached. */
  samples?: number;
  /** Target standard error of u; without it exactly `samples` samples are drawn. */
  stderr?: number;
  /** Cap on the adaptive sample count (default 2^18). */
  maxSamples?: number;
  /**
   * Proposal: "kernel" draws y ∼ N(x, t/β) (weights e^{−βf(y)}); "shifted" draws from
   * N(x − t∇f(x), t/β) and reweights by the kernel ratio (same target, higher ESS when |∇f| is large).
   */
  proposal?: "kernel" | "shifted";
}

export interface SgldOptions extends CommonOptions {
  /** Independent chains (default 4). */
  chains?: number;
  /** Burn-in steps per chain and λ node (default 500; the step size adapts only here). */
  burnIn?: number;
  /** Kept samples per chain and λ node (default 2000). */
  samples?: number;
  /** Batches per chain for batch-means standard errors (default 20). */
  batches?: number;
  /** Langevin step η (in the units of y ← y − η(∇f + (y−x)/t) + √(2η/β)ξ); adapted when omitted. */
  stepSize?: number;
  /** Metropolis adjustment (MALA, exact; default true). false = the plain Entropy-SGD inner loop (ULA, O(η) bias). */
  adjust?: boolean;
  /** Estimate u by thermodynamic integration (default true); false reports ∇u only (u = null). */
  integrate?: boolean;
  /** λ intervals of the thermodynamic integration (multiple of 4, default 16). */
  lambdas?: number;
  /** Target standard error of u (or of |∇u| when integrate = false): samples double until reached. */
  stderr?: number;
  /** Cap on samples per chain when a target is set (default 64·samples). */
  maxSamples?: number;
}

export interface QuadratureOptions extends CommonOptions {
  /** Target absolute error of u (Richardson estimate), default 1e-9·max(1, |u|). */
  stderr?: number;
  /** Cap on tabulated points (default 2^16 + 1 in 1-D, 257² in 2-D). */
  maxPoints?: number;
}

export type LocalEntropyOptions =
  | ({ method: "importance" } & ImportanceOptions)
  | ({ method: "sgld" } & SgldOptions)
  | ({ method: "quadrature" } & QuadratureOptions);

/** What every estimator returns (grad in the caller's structure: a vector, or a param tree). */
export interface LocalEntropyResult<G = Float64Array> {
  method: Method;
  t: number;
  beta: number;
  /** ν = 1/(2β), the viscosity of the HJ equation this u solves. */
  nu: number;
  dim: number;
  /** u(x, t), or null when the method did not estimate it (see uNote). */
  u: number | null;
  /** How u was obtained (or why it is missing). */
  uNote: string;
  /** Error estimate of u: a standard error (sgld, importance) or a Richardson bound (quadrature). */
  stderr: number | null;
  errorKind: "statistical" | "discretisation";
  /** ∇u = (x − ⟨y⟩)/t. */
  grad: G;
  gradNorm: number;
  /** Per-coordinate error estimate of ∇u (flat, in ravel order). */
  gradStderr: Float64Array;
  /** Delta-method error of |∇u| (ignores correlations between coordinates). */
  gradNormStderr: number;
  /** Gibbs mean ⟨y⟩ (flat). */
  mean: Float64Array;
  /** Effective sample size (importance: (Σw)²/Σw²; sgld: min over coordinates of Var(y)/se²); null for quadrature. */
  ess: number | null;
  /** Function evaluations (quadrature, importance) or Langevin steps (sgld) spent. */
  samples: number;
  warnings: string[];
  /** Method-specific diagnostics (acceptance rates, λ nodes, window, …). */
  details: Record<string, unknown>;
}
