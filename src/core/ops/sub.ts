/** sub(a, b) = a − b with broadcasting. VJP: (sumTo(g, a), −sumTo(g, b)). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyArith } from "./binary.ts";
import { SUB } from "../kernels/elementwise.ts";

const subOp: OpDef = {
  name: "sub",
  vjp: (F, g, [a, b]) => [
    a.requiresGrad ? F.sumTo(g, a.shape) : null,
    b.requiresGrad ? F.neg(F.sumTo(g, b.shape)) : null,
  ],
};

export function sub(a: TensorLike, b: TensorLike): Tensor {
  return applyArith(subOp, SUB, a, b);
}
