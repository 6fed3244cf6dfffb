/**
 * A compiled gradient function for a fixed batch (docs/performance.md §compiled-step): the form an
 * inner loop needs — Entropy-SGD's Langevin steps, SGLD — where the same batch is differentiated
 * at many parameter values. One plan (./mlpGrad.ts) serves every call; the returned tree's leaves
 * are views of the plan's gradient arrays, valid until the next call (every optimizer of
 * src/optim reads a gradient before asking for the next one). Same numbers as
 * `grad(loss)(params)`, bit for bit.
 */
import type { Tensor } from "../core/tensor.ts";
import type { Tree } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import type { MlpConfig, MlpParams } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import { compileMlpGrad, mlpLeafArrays, mlpTreeOver } from "./mlpGrad.ts";

export function compileGradAt(cfg: MlpConfig, loss: LossName, x: Tensor, target: Tensor): (params: Tree) => MlpParams {
  if (x.ndim !== 2 || x.shape[1] !== cfg.sizes[0])
    throw new InputError(`compile: input of shape [${x.shape}], expected [rows, ${cfg.sizes[0]}]`, {
      field: "compile",
    });
  const plan = compileMlpGrad(cfg, loss, x.shape[0]);
  const tree = mlpTreeOver(cfg, plan.grads);
  const xs = x.data,
    ts = target.data;
  const arrays: Float64Array[] = [];
  return (params: Tree) => {
    plan.run(mlpLeafArrays(cfg, params as MlpParams, arrays), xs, ts);
    return tree;
  };
}
