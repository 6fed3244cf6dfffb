/**
 * A compiled training step for `transformer` models (docs/performance.md §compiled-transformer):
 * the gradient plan of ./transformerGrad.ts (built once per token-batch shape [N, T], on first
 * use) followed by the optimizer's in-place update over parameter and state arrays the step owns,
 * with snapshots for divergence recovery (./planStep.ts). Same numbers as the eager step —
 * valueAndGrad of the loss, then `optimizer.step` — bit for bit (test/compiled/transformerStep.test.ts).
 */
import { InputError } from "../errors.ts";
import type { TransformerConfig, TransformerParams } from "../nn/families/transformer.ts";
import type { LossName } from "../nn/losses.ts";
import type { Optimizer } from "../optim/types.ts";
import { type CompiledPlanStep, compilePlanStep, inPlaceUpdate, snapshotInterval } from "./planStep.ts";
import { compileTransformerGrad, transformerCompileUnsupported, type TransformerGradPlan } from "./transformerGrad.ts";
import { transformerLeafArrays, transformerTreeOver } from "./transformerLayout.ts";

export interface CompileTransformerStepOptions {
  /** A parsed `transformer` model config (block MLP activation relu, tanh or identity). */
  model: TransformerConfig;
  loss: LossName;
  /** An optimizer with an in-place form (SGD, Adam, AdamW). */
  optimizer: Optimizer;
  /** The initial parameters; copied (the caller's tensors are never written). */
  params: TransformerParams;
  /** Copy parameters and optimizer state aside every this many steps (default 100; 0: only at the start). */
  snapshotEvery?: number;
}

/** A plan per token-batch shape, built on first use, with its gradient tree over the plan's arrays. */
export function transformerPlans(cfg: TransformerConfig, loss: LossName) {
  const plans = new Map<string, { plan: TransformerGradPlan; tree: TransformerParams }>();
  return (tokens: { shape: readonly number[] }) => {
    if (tokens.shape.length !== 2)
      throw new InputError(`compile: transformer input must be [N, T] tokens, got [${tokens.shape}]`);
    const [N, T] = tokens.shape;
    const id = `${N}x${T}`;
    let p = plans.get(id);
    if (p === undefined) {
      const plan = compileTransformerGrad(cfg, loss, N, T);
      p = { plan, tree: transformerTreeOver(cfg, plan.grads) };
      plans.set(id, p);
    }
    return p;
  };
}

export function compileTransformerStep(opts: CompileTransformerStepOptions): CompiledPlanStep<TransformerParams> {
  const { model: cfg, loss, optimizer } = opts;
  const why = transformerCompileUnsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  inPlaceUpdate(optimizer);
  snapshotInterval(opts.snapshotEvery);
  const ownData = transformerLeafArrays(cfg, opts.params, true);
  return compilePlanStep(
    { ownData, own: transformerTreeOver(cfg, ownData), planFor: transformerPlans(cfg, loss) },
    optimizer,
    opts.snapshotEvery,
  );
}
