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
import type { Tensor } from "../core/tensor.ts";
import type { Tree } from "../core/tree.ts";
import type { ModelConfig } from "../nn/registry.ts";
import type { LossName } from "../nn/losses.ts";

/** A scalar function f: ℝⁿ → ℝ on flat vectors. Arguments are never written to by callers. */
export interface Objective {
  readonly dim: number;
  value(y: Float64Array): number;
  /** f and ∇f (needed by the SGLD/MALA sampler). */
  valueAndGrad?(y: Float64Array): { value: number; grad: Float64Array };
  /** Hessian-vector product ∇²f(y)·v (needed only for Hessian slice directions). */
  hvp?(y: Float64Array, v: Float64Array): Float64Array;
  /**
   * What another thread rebuilds the same function from, bit for bit (set by `modelObjective` for
   * a registry model, kept by `countedObjective`); without it the sgld chains stay on one thread
   * (docs/local-entropy.md §threads).
   */
  readonly portable?: PortableObjective;
  /** Evaluations a rebuilt copy made on another thread, reported back so wrappers can count them. */
  evaluatedElsewhere?(count: EvaluationCount): void;
}

/** A network's training loss loss(model(θ, x), y) with θ in the leaf order of `template`. */
export interface PortableObjective {
  kind: "model";
  /** The registry config the model was built from (`modelOf(config)`). */
  config: ModelConfig;
  template: Tree;
  x: Tensor;
  y: Tensor;
  loss: LossName;
}

/** Evaluations spent on an objective: values, gradients (valueAndGrad) and Hessian-vector products. */
export interface EvaluationCount {
  values: number;
  gradients: number;
  hvps: number;
}

/** The estimators; "auto" (the default) picks one from cheap diagnostics and says why. */
export type Method = "auto" | "importance" | "smc" | "sgld" | "quadrature";
export const METHODS: readonly Method[] = ["auto", "importance", "smc", "sgld", "quadrature"];
/** An estimator that answers (every method but "auto"). */
export type Estimator = Exclude<Method, "auto">;
export type Proposal = "kernel" | "shifted" | "laplace";
export const PROPOSALS: readonly Proposal[] = ["kernel", "shifted", "laplace"];

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
   * N(x − t∇f(x), t/β) and reweights by the kernel ratio (same target, higher ESS when |∇f| is large);
   * "laplace" draws from Gaussians at the Gibbs kernel's modes with the curvature of U there
   * (exact HVPs, dense or Lanczos), mixed with wider copies and the kernel itself (laplace.ts).
   * Default "kernel".
   */
  proposal?: Proposal;
  /** laplace: over-dispersed kernel draws that start the mode search besides x and x − t∇f(x) (default 24 for n ≤ 128, else 4). */
  starts?: number;
  /** laplace: Lanczos steps of a low-rank curvature fit (default min(n, 40); dense Hessians for n ≤ 128). */
  rank?: number;
}

export interface SmcOptions extends CommonOptions {
  /** Particles per replicate (default 256); doubled until `stderr` is met. */
  particles?: number;
  /** Independent replicates whose spread gives the error bars (default 8, at least 4). */
  replicates?: number;
  /** Each λ increment keeps the ESS of its weights at this fraction of the particles (default 0.8). */
  essFraction?: number;
  /** Most MALA sweeps per λ stage (default 20); sweeps stop once particles moved about one spread. */
  maxMoves?: number;
  /** Target standard error of u; particles double until it is reached. */
  stderr?: number;
  /** Cap on particles per replicate, doubled for a stderr target or a too-wide replicate spread (default 4·particles). */
  maxParticles?: number;
  /** Budget of gradient evaluations of one run; beyond it the run stops and reports why (default 5e6). */
  maxEvaluations?: number;
}

export interface AutoOptions extends CommonOptions {
  /** Target standard error of u (passed to the estimator chosen). */
  stderr?: number;
  /** importance (laplace) samples (default 1024). */
  samples?: number;
  /** smc particles per replicate (default 128). */
  particles?: number;
  /**
   * Run the second estimator (smc next to laplace importance sampling): "auto" when the diagnostics
   * call for it (several modes, U not convex at a probe, a failed weight diagnostic), "always", "never".
   */
  crossCheck?: "auto" | "always" | "never";
  /**
   * Budget of the smc cross-check in evaluations (default max(1e5, 50 × the laplace stage's));
   * beyond it the cross-check stops and the answer rests on the laplace diagnostics alone.
   */
  maxEvaluations?: number;
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
  | ({ method?: "auto" } & AutoOptions)
  | ({ method: "importance" } & ImportanceOptions)
  | ({ method: "smc" } & SmcOptions)
  | ({ method: "sgld" } & SgldOptions)
  | ({ method: "quadrature" } & QuadratureOptions);

/**
 * Whether the error bars can be trusted (docs/local-entropy.md §reliability). When a diagnostic
 * fails, stderr, gradStderr and gradNormStderr are null and `reason` says which and why.
 */
export interface Reliability {
  certified: boolean;
  /** Why the error bars were withdrawn (null when certified). */
  reason: string | null;
  /** The diagnostics the decision rests on (ESS, Pareto k̂, R̂, replicate spread, cross-check z, …). */
  checks: Record<string, number | boolean | string | null>;
  /** The errors the estimator computed but does not vouch for (diagnosis only, never an error bar). */
  nominal: { stderr: number | null; gradStderr: Float64Array | null; gradNormStderr: number | null } | null;
}

/** What "auto" chose and why. */
export interface AutoChoice {
  chosen: Estimator;
  /** e.g. "importance (laplace proposal)". */
  estimator: string;
  reason: string;
  diagnostics: Record<string, number | boolean | string | null>;
  /** The second estimator and the agreement test, when one ran. */
  crossCheck: {
    estimator: string;
    u: number | null;
    stderr: number | null;
    /** Largest |z| over u and the coordinates of ∇u (nominal errors of both). */
    maxAbsZ: number | null;
    agree: boolean | null;
    reason: string | null;
  } | null;
}

/** What every estimator returns (grad in the caller's structure: a vector, or a param tree). */
export interface LocalEntropyResult<G = Float64Array> {
  /** The estimator that answered (never "auto"; see `auto` for the choice). */
  method: Estimator;
  /** Human-readable estimator, e.g. "importance (laplace proposal)", "smc (8 replicates × 256 particles)". */
  estimator: string;
  t: number;
  beta: number;
  /** ν = 1/(2β), the viscosity of the HJ equation this u solves. */
  nu: number;
  dim: number;
  /** u(x, t), or null when the method did not estimate it (see uNote). */
  u: number | null;
  /** How u was obtained (or why it is missing). */
  uNote: string;
  /**
   * Error estimate of u: a standard error (sgld, importance, smc) or a Richardson estimate
   * (quadrature); null when the diagnostics do not support one (see `reliability`).
   */
  stderr: number | null;
  errorKind: "statistical" | "discretisation";
  /** ∇u = (x − ⟨y⟩)/t. */
  grad: G;
  gradNorm: number;
  /** Per-coordinate error estimate of ∇u (flat, in ravel order); null when withdrawn. */
  gradStderr: Float64Array | null;
  /** Delta-method error of |∇u| (ignores correlations between coordinates); null when withdrawn. */
  gradNormStderr: number | null;
  /** Gibbs mean ⟨y⟩ (flat). */
  mean: Float64Array;
  /**
   * Effective sample size (importance: (Σw)²/Σw²; sgld: min over coordinates of Var(y)/se²; smc:
   * particles × replicates, all equally weighted at the end); null for quadrature.
   */
  ess: number | null;
  /**
   * Function evaluations (quadrature, kernel/shifted importance), Langevin steps (sgld), or all
   * evaluations of f, ∇f and HVPs (laplace importance, smc, auto) spent.
   */
  samples: number;
  reliability: Reliability;
  /** Present when method "auto" chose the estimator. */
  auto?: AutoChoice;
  warnings: string[];
  /** Method-specific diagnostics (acceptance rates, λ nodes, window, …). */
  details: Record<string, unknown>;
}
