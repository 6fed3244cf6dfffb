/** neg(x) = −x element-wise. VJP: F.neg(g). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnary } from "./binary.ts";

const negOp: OpDef = {
  name: "neg",
  vjp: (F, g) => [F.neg(g)],
};

export function neg(x: TensorLike): Tensor {
  return applyUnary(negOp, x, (x) => -x);
}
