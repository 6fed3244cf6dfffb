/**
 * Optimizers as pure functions: `step(params, grads, state, ctx) → {params, state}` returns new
 * trees and never writes into its inputs. Hyper-parameters other than the learning rate are bound
 * when the optimizer is made; the learning rate comes with each step (from a schedule).
 *
 * The state is a flat record of param-shaped trees (momentum buffers, moment estimates) and plain
 * numbers (step counters), so a checkpoint can store it as named tensors plus JSON.
 */
import type { Key } from "../core/random.ts";
import type { Tree } from "../core/tree.ts";

export type OptState = { readonly [name: string]: Tree | number };

export interface StepContext {
  /** Learning rate of this step. */
  lr: number;
  /** Randomness of this step (SGLD noise, Entropy-SGD's Langevin noise); a fresh key per step. */
  key?: Key;
  /**
   * Mini-batch gradient at other parameters: Entropy-SGD's inner loop calls it (each call draws
   * the next batch). `grads` is the first such gradient, taken at `params`.
   */
  gradAt?: (params: Tree) => Tree;
  /**
   * The caller runs compiled (`compile: true`): an optimizer with a compiled form of its step may
   * use it (Entropy-SGD's inner loop over preallocated buffers). Same numbers either way.
   */
  compiled?: boolean;
}

export interface Optimizer<S extends OptState = OptState> {
  readonly name: string;
  /** How many mini-batch gradients one step consumes: 1, or L for Entropy-SGD. */
  readonly gradsPerStep: number;
  /** The state before the first step (its trees are the template a checkpoint is read into). */
  init(params: Tree): S;
  step(params: Tree, grads: Tree, state: S, ctx: StepContext): { params: Tree; state: S };
  /**
   * The same update written over `params` and the trees of `state` (arrays the caller owns, as in a
   * compiled training step); returns the new state record, whose trees are those of `state`. Same
   * numbers as `step`, bit for bit. Absent for optimizers that have no in-place form.
   */
  stepInPlace?(params: Tree, grads: Tree, state: S, ctx: StepContext): S;
  /**
   * `stepInPlace` for an optimizer whose state holds no arrays (plain SGD), on the leaves directly:
   * params[j] is updated with grads[j] (the same leaf order in both). No trees are walked, so a
   * compiled step allocates nothing for its update. Absent where the state has arrays.
   */
  stepLeavesInPlace?(params: readonly Float64Array[], grads: readonly Float64Array[], state: S, ctx: StepContext): S;
}
