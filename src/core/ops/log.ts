/** log(x) = log x (natural) element-wise. VJP: F.div(g, a). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnary } from "./binary.ts";

const logOp: OpDef = {
  name: "log",
  vjp: (F, g, [a]) => [F.div(g, a)],
};

export function log(x: TensorLike): Tensor {
  return applyUnary(logOp, x, (x) => Math.log(x));
}
