/**
 * A compiled training step for `mlp` models (docs/performance.md §compiled-step): the gradient
 * plan of ./mlpGrad.ts (built once per batch size, on first use) followed by the optimizer's
 * in-place update, over parameter and state arrays the step owns. Same numbers as the eager step —
 * valueAndGrad of the loss, then `optimizer.step` — bit for bit (test/compiled/step.test.ts); no
 * graph, no new parameter tree and no fresh arrays per step.
 *
 * Divergence: the eager loop keeps the previous parameter tree to fall back on; here the update
 * overwrites it. Instead the step copies parameters and optimizer state aside every
 * `snapshotEvery` steps; a step whose loss is not finite is not applied (it returns the loss and
 * leaves everything as it was), and `restore()` goes back to the last snapshot.
 */
import { Tensor } from "../core/tensor.ts";
import { type Tree, leaves, mapTree } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { MlpConfig, MlpParams } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import type { OptState, Optimizer } from "../optim/types.ts";
import { compileMlpGrad, compileUnsupported, mlpTreeOver, type MlpGradPlan } from "./mlpGrad.ts";

export interface CompileStepOptions {
  /** A parsed `mlp` model config (activation relu, tanh or identity). */
  model: MlpConfig;
  loss: LossName;
  /** An optimizer with an in-place form (SGD, Adam, AdamW). */
  optimizer: Optimizer;
  /** The initial parameters; copied (the caller's tensors are never written). */
  params: MlpParams;
  /** Copy parameters and optimizer state aside every this many steps (default 100; 0: only at the start). */
  snapshotEvery?: number;
}

export interface CompiledStep {
  /**
   * One step on the batch (x [rows, d₀]; target: labels [rows] for xent, [rows, d_L] for mse)
   * with learning rate lr. Returns the loss at the parameters before the update; when it is not
   * finite the update is skipped.
   */
  step(x: Tensor, target: Tensor, lr: number): number;
  /** Steps applied so far (after `restore`, those of the snapshot). */
  readonly steps: number;
  /** A copy of the current parameters. */
  params(): MlpParams;
  /** A copy of the optimizer state. */
  state(): OptState;
  /** A copy of the gradient of the last step. */
  grads(): MlpParams;
  /** Puts back the parameters and optimizer state of the last snapshot; returns its step count. */
  restore(): number;
}

interface Snapshot {
  steps: number;
  state: OptState;
  arrays: Float64Array[];
}

export function compileStep(opts: CompileStepOptions): CompiledStep {
  const { model: cfg, loss, optimizer } = opts;
  const why = compileUnsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  const stepInPlace = optimizer.stepInPlace?.bind(optimizer);
  const stepLeavesInPlace = optimizer.stepLeavesInPlace?.bind(optimizer);
  if (stepInPlace === undefined || optimizer.gradsPerStep !== 1)
    throw new InputError(`compile: optimizer "${optimizer.name}" has no in-place update`, { field: "compile" });
  const snapshotEvery = opts.snapshotEvery ?? 100;
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 0)
    throw new InputError(`compile: snapshotEvery must be an integer ≥ 0, got ${snapshotEvery}`, { field: "compile" });

  const own = ownCopy(cfg, opts.params);
  const ownLeaves = leaves(own);
  const ownData = ownLeaves.map((t) => t.data);
  let state: OptState = optimizer.init(own);
  let steps = 0;
  const plans = new Map<number, { plan: MlpGradPlan; tree: MlpParams }>();
  let lastGrads: MlpParams | null = null;
  let snap = takeSnapshot();
  const ctx = { lr: 0 };

  function planFor(rows: number) {
    let p = plans.get(rows);
    if (p === undefined) {
      const plan = compileMlpGrad(cfg, loss, rows);
      const tree = mlpTreeOver(cfg, plan.grads);
      p = { plan, tree };
      plans.set(rows, p);
    }
    return p;
  }

  function stateArrays(s: OptState): Float64Array[] {
    const out: Float64Array[] = [];
    for (const k in s) {
      const v = s[k];
      if (typeof v !== "number") for (const t of leaves(v)) out.push(t.data);
    }
    return out;
  }

  /**
   * Parameters and state arrays copied aside — into the previous snapshot's arrays when their
   * sizes match (the usual case: no fresh megabytes, and no page faults on them, every
   * `snapshotEvery` steps).
   */
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
      if (x.ndim !== 2 || x.shape[1] !== cfg.sizes[0])
        throw new InputError(`compile: input of shape [${x.shape}], expected [rows, ${cfg.sizes[0]}]`);
      const { plan, tree } = planFor(x.shape[0]);
      const value = plan.run(ownData, x.data, target.data);
      lastGrads = tree;
      if (!Number.isFinite(value)) return value;
      ctx.lr = lr;
      state = stepLeavesInPlace
        ? stepLeavesInPlace(ownData, plan.grads, state, ctx)
        : stepInPlace(own, tree, state, ctx);
      steps++;
      if (snapshotEvery > 0 && steps % snapshotEvery === 0) snap = takeSnapshot(snap);
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

/** The parameters in the canonical mlp layout (fc0.weight, fc0.bias, …), copied; shapes checked against cfg. */
function ownCopy(cfg: MlpConfig, params: MlpParams): MlpParams {
  const arrays: Float64Array[] = [];
  for (let i = 0; i + 1 < cfg.sizes.length; i++) {
    const name = `fc${i}`;
    const layer = params[name];
    const want = [cfg.sizes[i + 1], cfg.sizes[i]];
    const w = layer?.weight;
    if (w === undefined || w.ndim !== 2 || w.shape[0] !== want[0] || w.shape[1] !== want[1])
      throw new InputError(`compile: ${name}.weight must have shape [${want}]`, { field: `${name}.weight` });
    arrays.push(w.data.slice());
    if (!cfg.bias) continue;
    const b = layer.bias;
    if (b === undefined || b.ndim !== 1 || b.size !== want[0])
      throw new InputError(`compile: ${name}.bias must have shape [${want[0]}]`, { field: `${name}.bias` });
    arrays.push(b.data.slice());
  }
  return mlpTreeOver(cfg, arrays);
}

function copyTree<T extends Tree>(t: T): T {
  return mapTree(t, (x) => new Tensor(x.data.slice(), x.shape));
}
