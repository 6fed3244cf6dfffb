/** abs(x) = |x|. VJP: g·sign(x) (sign(0) = 0, the subgradient torch uses). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnaryCode } from "./binary.ts";
import { ABS } from "../kernels/elementwise.ts";

const absOp: OpDef = {
  name: "abs",
  vjp: (F, g, [a]) => [F.mul(g, F.sign(a))],
};

export function abs(x: TensorLike): Tensor {
  return applyUnaryCode(absOp, ABS, x);
}
