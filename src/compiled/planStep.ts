/**
 * The part of a compiled training step (docs/performance.md §compiled-step) that does not depend
 * on the model, what `compileTransformerStep` runs on (./step.ts does the same for the mlp): the
 * optimizer's in-place update over parameter and state arrays the step owns, and divergence
 * recovery. The eager loop keeps the previous parameter tree to fall back on; here
 * the update overwrites it. Instead the step copies parameters and optimizer state aside every
 * `snapshotEvery` steps; a step whose loss is not finite is not applied (it returns the loss and
 * leaves everything as it was), and `restore()` goes back to the last snapshot.
 */
import { Tensor } from "../core/tensor.ts";
import { type Tree, leaves, mapTree } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { OptState, Optimizer } from "../optim/types.ts";

/** What a model family's compiled step supplies: its own parameter tree and the gradient of a batch. */
export interface PlanStepModel<P extends Tree> {
  /** The step's own parameter tree (copied from the caller's; updated in place). */
  own: P;
  /** The loss at `own` on the batch; leaves the gradient in the returned tree (shaped like `own`). */
  gradient(x: Tensor, target: Tensor): { value: number; grads: P };
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
  const every = snapshotInterval(snapshotEvery);
  const own = model.own;
  const ownData = leaves(own).map((t) => t.data);
  let state: OptState = optimizer.init(own);
  let steps = 0;
  let lastGrads: P | null = null;
  let snap = takeSnapshot();

  function stateArrays(s: OptState): Float64Array[] {
    const out: Float64Array[] = [];
    for (const k in s) {
      const v = s[k];
      if (typeof v !== "number") for (const t of leaves(v)) out.push(t.data);
    }
    return out;
  }

  function takeSnapshot(): Snapshot {
    const arrays = [...ownData, ...stateArrays(state)].map((a) => a.slice());
    return { steps, state, arrays };
  }

  return {
    step(x, target, lr) {
      const { value, grads } = model.gradient(x, target);
      lastGrads = grads;
      if (!Number.isFinite(value)) return value;
      state = stepInPlace(own, grads, state, { lr });
      steps++;
      if (every > 0 && steps % every === 0) snap = takeSnapshot();
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
