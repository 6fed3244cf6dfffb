/**
 * A compiled training step for `mlp` models (docs/performance.md §compiled-step): the gradient
 * plan of ./mlpGrad.ts (built once per batch size, on first use) followed by the optimizer's
 * in-place update, over parameter and state arrays the step owns. Same numbers as the eager step —
 * valueAndGrad of the loss, then `optimizer.step` — bit for bit (test/compiled/step.test.ts); no
 * graph, no new parameter tree and no fresh arrays per step. The update, the snapshots and divergence
 * recovery are the model-independent part, ./planStep.ts.
 */
import { InputError } from "../errors.ts";
import type { MlpConfig, MlpParams } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import type { Optimizer } from "../optim/types.ts";
import { type CompiledPlanStep, compilePlanStep, inPlaceUpdate, snapshotInterval } from "./planStep.ts";
import { compileUnsupported, mlpPlans, mlpTreeOver } from "./mlpGrad.ts";

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

/**
 * `step(x, target, lr)`: x [rows, d₀]; target: labels [rows] for xent, [rows, d_L] for mse (see
 * ./planStep.ts for the rest).
 */
export type CompiledStep = CompiledPlanStep<MlpParams>;

export function compileStep(opts: CompileStepOptions): CompiledStep {
  const { model: cfg, loss, optimizer } = opts;
  const why = compileUnsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  inPlaceUpdate(optimizer);
  snapshotInterval(opts.snapshotEvery);
  const ownData = ownCopy(cfg, opts.params);
  const planFor = mlpPlans(cfg, loss);
  return compilePlanStep(
    {
      ownData,
      own: mlpTreeOver(cfg, ownData),
      planFor(x) {
        if (x.ndim !== 2 || x.shape[1] !== cfg.sizes[0])
          throw new InputError(`compile: input of shape [${x.shape}], expected [rows, ${cfg.sizes[0]}]`);
        return planFor(x.shape[0]);
      },
    },
    optimizer,
    opts.snapshotEvery,
  );
}

/** The parameter arrays in the canonical mlp layout (fc0.weight, fc0.bias, …), copied; shapes checked against cfg. */
function ownCopy(cfg: MlpConfig, params: MlpParams): Float64Array[] {
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
  return arrays;
}
