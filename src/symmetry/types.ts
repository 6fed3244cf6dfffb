/**
 * The one interface every model's symmetry group implements, and the three kinds of building
 * blocks a group is composed of (all acting on the flat θ of a `Layout`):
 *
 * - `scale`: per unit j, (in_j, out_j) ↦ (α_j in_j, out_j/α_j), α_j > 0 — positive rescaling of a
 *   hidden neuron / channel / particle / layer-norm feature. Generator ξ_j = (+in_j; −out_j).
 *   Charge c_j = ‖in_j‖² − ‖out_j‖².
 * - `gl`: per pair (X n×p, Y n×q), (X, Y) ↦ (A X, A⁻ᵀ Y), A ∈ GL(n); the product XᵀY is invariant.
 *   Attention: X = rows of W_q (resp. W_v) of a head, Y = rows of W_k (resp. columns of W_o).
 *   Generators (δX, δY) = (E X, −Eᵀ Y) for E in the basis of gl(n). Charge X Xᵀ − Y Yᵀ.
 * - `perm`: permutations of structurally identical units (neurons, channels, heads, particles).
 */
import type { Tensor } from "../core/tensor.ts";
import type { Key } from "../core/random.ts";
import type { Tree } from "../core/tree.ts";
import type { Layout, MatView } from "./layout.ts";

export interface ScaleUnit {
  in: Int32Array;
  out: Int32Array;
}
export interface ScaleComponent {
  kind: "scale";
  name: string;
  description: string;
  units: ScaleUnit[];
  /** Name of the perm component whose unit i is this component's unit i (for canonical ordering). */
  permutedBy?: string;
}

export interface GLPair {
  X: MatView;
  Y: MatView;
}
export interface GLComponent {
  kind: "gl";
  name: string;
  description: string;
  n: number;
  pairs: GLPair[];
  permutedBy?: string;
}

export interface PermComponent {
  kind: "perm";
  name: string;
  description: string;
  /** Unit i's coordinates; all units list their coordinates in corresponding order. */
  units: Int32Array[];
}

export type Component = ScaleComponent | GLComponent | PermComponent;

/** A group element: one entry per component (a missing entry is the identity). */
export type ComponentElement =
  | { kind: "scale"; alpha: Float64Array }
  | { kind: "gl"; A: Float64Array[]; Ainv?: Float64Array[] }
  | { kind: "perm"; perm: Int32Array };
export type GroupElement = Record<string, ComponentElement>;

export interface SparseVector {
  idx: Int32Array;
  val: Float64Array;
}

/** A closed-form invariant; axis 0 runs over units of `permutedBy` when set (put in canonical order). */
export interface NamedInvariant {
  name: string;
  shape: number[];
  data: Float64Array;
  permutedBy?: string;
}

/** A symmetry of the ε = 0 idealisation that the real model breaks (layer norm's ε). */
export interface BrokenSymmetry {
  name: string;
  description: string;
  /** θ ↦ θ with the one-parameter transformation of size α applied (in place). */
  act(theta: Float64Array, alpha: number): void;
  /** Its generator d/dα|₁ at θ (a flat tangent vector). */
  generator(theta: Float64Array): Float64Array;
}

/** What a model family's builder provides; `compose` turns it into a SymmetryGroup. */
export interface GroupSpec {
  name: string;
  description: string;
  components: Component[];
  extraInvariants?(theta: Float64Array): NamedInvariant[];
  /** Leaves whose information `extraInvariants` carries (no `canonical.<leaf>` coordinates needed). */
  coveredLeaves?: string[];
  broken?: BrokenSymmetry[];
}

export interface ComponentInfo {
  name: string;
  kind: Component["kind"];
  dim: number;
  units: number;
  description: string;
}

export interface RandomElementOptions {
  /** Scalings are log-uniform in [1/r, r]; GL singular values log-uniform in [r^-½, r^½] (κ ≤ r). Default 100. */
  logRange?: number;
  /** Include random permutations (default true). */
  permute?: boolean;
}

export interface HorizontalProjector {
  /** Rank of the vertical space V_θ (number of independent generators). */
  verticalRank: number;
  /** Dimension of the horizontal space (n − verticalRank). */
  horizontalDim: number;
  projectFlat(v: Float64Array): Float64Array;
  project(v: Tree): Tree;
}

export interface CanonicalForm {
  params: Tree;
  /** Per perm component: new unit i = old unit perm[i]. */
  perms: Record<string, Int32Array>;
  /** Alternating balancing sweeps used, and the largest relative charge left (≈ 1e-16 when converged). */
  sweeps: number;
  imbalance: number;
}

export interface Alignment {
  /** The permutation element that maps b onto a. */
  element: GroupElement;
  /** act(b, element). */
  aligned: Tree;
  /** ‖a − b‖ and ‖a − aligned‖ (Euclidean, raw parameters). */
  distanceBefore: number;
  distanceAfter: number;
}

export interface SymmetryGroup {
  readonly name: string;
  readonly description: string;
  /** Dimension of the continuous part (the Lie algebra). */
  readonly dim: number;
  readonly components: readonly ComponentInfo[];
  readonly layout: Layout;
  readonly broken: readonly BrokenSymmetry[];
  identity(): GroupElement;
  randomElement(key: Key, opts?: RandomElementOptions): GroupElement;
  act(params: Tree, g: GroupElement): Tree;
  /** Fundamental vector fields ξ_X(θ) of a basis of the Lie algebra (vertical tangent vectors). */
  generators(params: Tree): Tree[];
  /**
   * Orthogonal projector onto the horizontal space H_θ = V_θ^⊥: P v = v − Ξ(ΞᵀMΞ)⁻¹ΞᵀM v, with the
   * Euclidean metric (M = I) or a stated positive diagonal metric M given as a tree like params.
   */
  horizontalProjector(params: Tree, opts?: { metric?: Tree }): HorizontalProjector;
  horizontalProject(params: Tree, v: Tree, opts?: { metric?: Tree }): Tree;
  /**
   * Quotient coordinates, in canonical unit order: closed forms where they exist (products such as
   * a_j·(w_j, b_j), W_Q W_Kᵀ and W_V W_O per head, untouched leaves), and for the remaining leaves
   * (deep nets, permutation-only layers) their values at the canonical representative,
   * "canonical.<leaf>". Pass `canonicalForm(params)` when already computed.
   */
  invariants(params: Tree, canonical?: CanonicalForm): Record<string, Tensor>;
  /** The balanced (orbit-norm-minimal) representative, units in canonical order. */
  canonicalize(params: Tree): Tree;
  canonicalForm(params: Tree): CanonicalForm;
  /**
   * 2 Σ_j ‖in_j‖‖out_j‖ per rescaling component at these params (its orbit minimum alone;
   * 2 Σ_j |a_j| ‖(w_j, b_j)‖ for a two-layer net).
   */
  balancedNorms(params: Tree): Record<string, number>;
  /** 2‖XᵀY‖_* per GL pair ("<component>.<pair>") at these params (2‖W_Q W_Kᵀ‖_*, 2‖W_V W_O‖_* per head). */
  nuclearNorms(params: Tree): Record<string, number>;
  /** The quadratic conserved quantities Q(θ) of gradient flow (ΔQ = η² Q(g) under a GD step). */
  charges(params: Tree): Record<string, Tensor>;
  /** Permutation that best matches b to a (Hungarian on weight similarity of canonical forms). */
  align(a: Tree, b: Tree): Alignment;
}
