/** add(a, b) = a + b with broadcasting. VJP: (sumTo(g, a), sumTo(g, b)). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyArith } from "./binary.ts";
import { ADD } from "../kernels/elementwise.ts";

const addOp: OpDef = {
  name: "add",
  vjp: (F, g, [a, b]) => [a.requiresGrad ? F.sumTo(g, a.shape) : null, b.requiresGrad ? F.sumTo(g, b.shape) : null],
};

export function add(a: TensorLike, b: TensorLike): Tensor {
  return applyArith(addOp, ADD, a, b);
}
