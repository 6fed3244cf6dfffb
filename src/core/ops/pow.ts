/**
 * pow(a, b) = a^b with broadcasting (Math.pow semantics).
 * VJP: ∂/∂a = b·a^(b−1); ∂/∂b = a^b·log a, taken as 0 where a ≤ 0 (the only real branch there).
 */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyBinary } from "./binary.ts";

const powOp: OpDef = {
  name: "pow",
  vjp: (F, g, [a, b], out) => [
    a.requiresGrad ? F.sumTo(F.mul(g, F.mul(b, F.pow(a, F.sub(b, 1)))), a.shape) : null,
    b.requiresGrad
      ? F.sumTo(F.mul(g, F.where(F.gt(a, 0), F.mul(out, F.log(F.where(F.gt(a, 0), a, 1))), 0)), b.shape)
      : null,
  ],
};

export function pow(a: TensorLike, b: TensorLike): Tensor {
  return applyBinary(powOp, a, b, Math.pow);
}
