/** log(x) = log x (natural) element-wise. VJP: F.div(g, a). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnaryCode } from "./binary.ts";
import { LOG } from "../kernels/elementwise.ts";

const logOp: OpDef = {
  name: "log",
  vjp: (F, g, [a]) => [F.div(g, a)],
};

export function log(x: TensorLike): Tensor {
  return applyUnaryCode(logOp, LOG, x);
}
