/** sqrt(x) = √x element-wise. VJP: F.div(F.mul(g, 0.5), out). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnaryCode } from "./binary.ts";
import { SQRT } from "../kernels/elementwise.ts";

const sqrtOp: OpDef = {
  name: "sqrt",
  vjp: (F, g, _in, out) => [F.div(F.mul(g, 0.5), out)],
};

export function sqrt(x: TensorLike): Tensor {
  return applyUnaryCode(sqrtOp, SQRT, x);
}
