/** exp(x) = e^x element-wise. VJP: F.mul(g, out). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnaryCode } from "./binary.ts";
import { EXP } from "../kernels/elementwise.ts";

const expOp: OpDef = {
  name: "exp",
  vjp: (F, g, _in, out) => [F.mul(g, out)],
};

export function exp(x: TensorLike): Tensor {
  return applyUnaryCode(expOp, EXP, x);
}
