/**
 * A compiled training step for `mlp` models (docs/performance.md §compiled-step): the gradient
 * plan of ./mlpGrad.ts (built once per batch size, on first use) followed by the optimizer's
 * in-place update, over parameter and state arrays the step owns. Same numbers as the eager step —
 * valueAndGrad of the loss, then `optimizer.step` — bit for bit (test/compiled/step.test.ts); no
 * graph, no new parameter tree and no fresh arrays per step. Snapshots and divergence recovery:
 * ./planStep.ts.
 */
import { leaves } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { MlpConfig, MlpParams } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import type { Optimizer } from "../optim/types.ts";
import { compileMlpGrad, compileUnsupported, mlpTreeOver, type MlpGradPlan } from "./mlpGrad.ts";
import { type CompiledStep, compilePlanStep, inPlaceUpdate, snapshotInterval } from "./planStep.ts";

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

export type { CompiledStep };

export function compileStep(opts: CompileStepOptions): CompiledStep<MlpParams> {
  const { model: cfg, loss, optimizer } = opts;
  const why = compileUnsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  inPlaceUpdate(optimizer);
  snapshotInterval(opts.snapshotEvery);
  const plans = new Map<number, { plan: MlpGradPlan; tree: MlpParams }>();
  const own = ownCopy(cfg, opts.params);
  const ownData = leaves(own).map((t) => t.data);

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

  return compilePlanStep(
    {
      own,
      gradient(x, target) {
        if (x.ndim !== 2 || x.shape[1] !== cfg.sizes[0])
          throw new InputError(`compile: input of shape [${x.shape}], expected [rows, ${cfg.sizes[0]}]`);
        const { plan, tree } = planFor(x.shape[0]);
        return { value: plan.run(ownData, x.data, target.data), grads: tree };
      },
    },
    optimizer,
    opts.snapshotEvery,
  );
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
