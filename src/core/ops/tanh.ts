/** tanh(x) = tanh x element-wise. VJP: F.mul(g, F.sub(1, F.mul(out, out))). */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnary } from "./binary.ts";

const tanhOp: OpDef = {
  name: "tanh",
  vjp: (F, g, _in, out) => [F.mul(g, F.sub(1, F.mul(out, out)))],
};

export function tanh(x: TensorLike): Tensor {
  return applyUnary(tanhOp, x, (x) => Math.tanh(x));
}
