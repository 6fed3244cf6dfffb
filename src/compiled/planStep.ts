/**
 * The part of a compiled training step (docs/performance.md §compiled-step) that does not depend
 * on the model, shared by `compileStep` (./step.ts, the mlp) and `compileTransformerStep`
 * (./transformerStep.ts): the optimizer's in-place update over parameter and state arrays the step
 * owns, and divergence recovery.
 *
 * Update: an optimizer whose state holds no arrays (plain SGD) updates the leaf arrays directly
 * (`stepLeavesInPlace`: no tree walked, nothing allocated); the others go through `stepInPlace`.
 *
 * Divergence: the eager loop keeps the previous parameter tree to fall back on; here the update
 * overwrites it. Instead the step copies parameters and optimizer state aside every
 * `snapshotEvery` steps — into the previous snapshot's arrays when their sizes match (the usual
 * case: no fresh megabytes, and no page faults on them); a step whose loss is not finite is not
 * applied (it returns the loss and leaves everything as it was), and `restore()` goes back to the
 * last snapshot.
 */
import { Tensor } from "../core/tensor.ts";
import { type Tree, leaves, mapTree } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { OptState, Optimizer } from "../optim/types.ts";

/** A gradient plan: the loss at `params` (leaf arrays in the plan's order) on a batch; leaves ∇θ in its own arrays. */
export interface GradientPlan {
  run(params: readonly Float64Array[], x: Float64Array, target: Float64Array): number;
}

/** What a model family's compiled step supplies: its own parameters and a gradient plan per batch shape. */
export interface PlanStepModel<P extends Tree> {
  /** The step's own parameter arrays, in the plans' leaf order (copied from the caller's; updated in place). */
  ownData: readonly Float64Array[];
  /** A tree over `ownData`, shaped like the model's parameters. */
  own: P;
  /** The plan for the batch x (built on first use) and the tree over its gradient arrays (shaped like `own`). */
  planFor(x: Tensor): { plan: GradientPlan; tree: P };
}

export interface CompiledPlanStep<P extends Tree = Tree> {
  /**
   * One step on the batch with learning rate lr. Returns the loss at the parameters before the
   * update; when it is not finite the update is skipped.
   */
  step(x: Tensor, target: Tensor, lr: number): number;
  /** Steps applied so far (after `restore`, those of the snapshot). */
  readonly steps: number;
  /** A copy of the current parameters. */
  params(): P;
  /** A copy of the optimizer state. */
  state(): OptState;
  /** A copy of the gradient of the last step. */
  grads(): P;
  /** Puts back the parameters and optimizer state of the last snapshot; returns its step count. */
  restore(): number;
}

interface Snapshot {
  steps: number;
  state: OptState;
  arrays: Float64Array[];
}

/** The in-place update of an optimizer (SGD, Adam, AdamW), or an InputError naming why there is none. */
export function inPlaceUpdate(optimizer: Optimizer): NonNullable<Optimizer["stepInPlace"]> {
  const stepInPlace = optimizer.stepInPlace?.bind(optimizer);
  if (stepInPlace === undefined || optimizer.gradsPerStep !== 1)
    throw new InputError(`compile: optimizer "${optimizer.name}" has no in-place update`, { field: "compile" });
  return stepInPlace;
}

export function snapshotInterval(snapshotEvery: number | undefined): number {
  const k = snapshotEvery ?? 100;
  if (!Number.isInteger(k) || k < 0)
    throw new InputError(`compile: snapshotEvery must be an integer ≥ 0, got ${k}`, { field: "compile" });
  return k;
}

export function compilePlanStep<P extends Tree>(
  model: PlanStepModel<P>,
  optimizer: Optimizer,
  snapshotEvery: number | undefined,
): CompiledPlanStep<P> {
  const stepInPlace = inPlaceUpdate(optimizer);
  const stepLeavesInPlace = optimizer.stepLeavesInPlace?.bind(optimizer);
  const every = snapshotInterval(snapshotEvery);
  const { own, ownData: planData } = model;
  // The update walks `own` and the gradient trees in tree order (also the order of the
  // optimizer state's trees); the leaf arrays of each gradient tree (one per plan) in that order.
  const ownData = leaves(own).map((t) => t.data);
  const gradData = new WeakMap<P, Float64Array[]>();
  let state: OptState = optimizer.init(own);
  let steps = 0;
  let lastGrads: P | null = null;
  let snap = takeSnapshot();
  const ctx = { lr: 0 };

  function stateArrays(s: OptState): Float64Array[] {
    const out: Float64Array[] = [];
    for (const k in s) {
      const v = s[k];
      if (typeof v !== "number") for (const t of leaves(v)) out.push(t.data);
    }
    return out;
  }

  function leafArraysOf(grads: P): Float64Array[] {
    let a = gradData.get(grads);
    if (a === undefined) gradData.set(grads, (a = leaves(grads).map((t) => t.data)));
    return a;
  }

  /** Parameters and state arrays copied aside, into `prev`'s arrays when their sizes match. */
  function takeSnapshot(prev?: Snapshot): Snapshot {
    const live = [...ownData, ...stateArrays(state)];
    const reuse =
      prev !== undefined &&
      prev.arrays.length === live.length &&
      live.every((a, i) => a.length === prev.arrays[i].length);
    const arrays = reuse ? prev.arrays : live.map((a) => new Float64Array(a.length));
    live.forEach((a, i) => arrays[i].set(a));
    return { steps, state, arrays };
  }

  return {
    step(x, target, lr) {
      const { plan, tree: grads } = model.planFor(x);
      const value = plan.run(planData, x.data, target.data);
      lastGrads = grads;
      if (!Number.isFinite(value)) return value;
      ctx.lr = lr;
      state = stepLeavesInPlace
        ? stepLeavesInPlace(ownData, leafArraysOf(grads), state, ctx)
        : stepInPlace(own, grads, state, ctx);
      steps++;
      if (every > 0 && steps % every === 0) snap = takeSnapshot(snap);
      return value;
    },
    get steps() {
      return steps;
    },
    params: () => copyTree(own),
    state: () => {
      const out: Record<string, Tree | number> = {};
      for (const k in state) {
        const v = state[k];
        out[k] = typeof v === "number" ? v : copyTree(v);
      }
      return out;
    },
    grads: () => {
      if (lastGrads === null) throw new Error("compiled step: no step has run yet");
      return copyTree(lastGrads);
    },
    restore() {
      state = snap.state;
      steps = snap.steps;
      const targets = [...ownData, ...stateArrays(state)];
      targets.forEach((a, i) => a.set(snap.arrays[i]));
      return steps;
    },
  };
}

function copyTree<T extends Tree>(t: T): T {
  return mapTree(t, (x) => new Tensor(x.data.slice(), x.shape));
}
