/** sqrt(x) = √x element-wise. VJP: F.div(F.mul(g, 0.5), out). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnary } from "./binary.ts";

const sqrtOp: OpDef = {
  name: "sqrt",
  vjp: (F, g, _in, out) => [F.div(F.mul(g, 0.5), out)],
};

export function sqrt(x: TensorLike): Tensor {
  return applyUnary(sqrtOp, x, (x) => Math.sqrt(x));
}
