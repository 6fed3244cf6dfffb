/** mul(a, b) = a·b element-wise with broadcasting. VJP: (sumTo(g·b, a), sumTo(g·a, b)). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyArith } from "./binary.ts";
import { MUL } from "../kernels/elementwise.ts";

const mulOp: OpDef = {
  name: "mul",
  vjp: (F, g, [a, b]) => [
    a.requiresGrad ? F.sumTo(F.mul(g, b), a.shape) : null,
    b.requiresGrad ? F.sumTo(F.mul(g, a), b.shape) : null,
  ],
};

export function mul(a: TensorLike, b: TensorLike): Tensor {
  return applyArith(mulOp, MUL, a, b);
}
