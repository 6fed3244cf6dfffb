/**
 * A drop-in for `valueAndGrad` of a model's loss, through compiled plans (./mlpGrad.ts; one per
 * batch size, built on first use): what the training loop uses with `compile: true`
 * (docs/performance.md §compiled-step). The gradient is copied out of the plan into a fresh tree
 * shaped like the parameters, so callers may keep it; the numbers are `valueAndGrad`'s, bit for bit.
 */
import { Tensor, scalar } from "../core/tensor.ts";
import { type Tree, mapTree } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { MlpConfig, MlpParams } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import type { ModelConfig } from "../nn/registry.ts";
import { compileMlpGrad, compileUnsupported, mlpLeafArrays, mlpLeafNames, type MlpGradPlan } from "./mlpGrad.ts";

export function compiledValueAndGrad(
  cfg: ModelConfig,
  loss: LossName,
): (params: Tree, x: Tensor, target: Tensor) => { value: Tensor; grad: Tree } {
  if (cfg.arch !== "mlp")
    throw new InputError(`compile: only mlp models have a compiled step, not ${cfg.arch}`, { field: "compile" });
  const mlp = cfg as MlpConfig;
  const why = compileUnsupported(mlp, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  const names = mlpLeafNames(mlp);
  const plans = new Map<number, MlpGradPlan>();
  const arrays: Float64Array[] = [];
  return (params, x, target) => {
    const rows = x.shape[0];
    let plan = plans.get(rows);
    if (plan === undefined) plans.set(rows, (plan = compileMlpGrad(mlp, loss, rows)));
    const value = plan.run(mlpLeafArrays(mlp, params as MlpParams, arrays), x.data, target.data);
    const g = plan.grads;
    const grad = mapTree(params, (t, name) => new Tensor(g[names.indexOf(name)].slice(), t.shape));
    return { value: scalar(value), grad };
  };
}
