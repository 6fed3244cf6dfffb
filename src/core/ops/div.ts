/** div(a, b) = a/b with broadcasting. VJP: (sumTo(g/b, a), −sumTo(g·a/b², b)). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyArith } from "./binary.ts";
import { DIV } from "../kernels/elementwise.ts";

const divOp: OpDef = {
  name: "div",
  vjp: (F, g, [a, b], out) => [
    a.requiresGrad ? F.sumTo(F.div(g, b), a.shape) : null,
    // d(a/b)/db = −(a/b)/b = −out/b
    b.requiresGrad ? F.neg(F.sumTo(F.div(F.mul(g, out), b), b.shape)) : null,
  ],
};

export function div(a: TensorLike, b: TensorLike): Tensor {
  return applyArith(divOp, DIV, a, b);
}
