/**
 * Loss, gradient and (optionally) exact Hessian-vector product of a model on a data set — the
 * computation behind `shocklens eval`, usable from the library as well.
 */
import type { Tensor } from "../core/tensor.ts";
import { valueAndGrad, hvp } from "../core/autodiff.ts";
import { type Tree, treeDot, treeNorm, treeSize } from "../core/tree.ts";
import type { Model } from "./index.ts";
import { lossFn, type LossName } from "./losses.ts";

export interface EvalResult {
  loss: number;
  grad: Tree;
  gradNorm: number;
  /** H·v, present when a direction v was given. */
  hvp?: Tree;
  /** ⟨v, H v⟩ (curvature along v, unnormalised). */
  vHv?: number;
  params: number;
}

export function evaluateModel(
  model: Model,
  params: Tree,
  x: Tensor,
  y: Tensor,
  loss: LossName,
  direction?: Tree,
): EvalResult {
  const L = lossFn(loss);
  const f = (p: Tree) => L(model.apply(p, x), y);
  const nParams = treeSize(params);
  if (direction) {
    const r = hvp(f)(params, direction);
    return {
      loss: r.value.item(),
      grad: r.grad,
      gradNorm: treeNorm(r.grad),
      hvp: r.hvp,
      vHv: treeDot(direction, r.hvp),
      params: nParams,
    };
  }
  const r = valueAndGrad(f)(params);
  return { loss: r.value.item(), grad: r.grad, gradNorm: treeNorm(r.grad), params: nParams };
}
