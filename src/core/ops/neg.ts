/** neg(x) = −x element-wise. VJP: F.neg(g). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnaryCode } from "./binary.ts";
import { NEG } from "../kernels/elementwise.ts";

const negOp: OpDef = {
  name: "neg",
  vjp: (F, g) => [F.neg(g)],
};

export function neg(x: TensorLike): Tensor {
  return applyUnaryCode(negOp, NEG, x);
}
