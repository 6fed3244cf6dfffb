/** tanh(x) = tanh x element-wise. VJP: g·(1 − out²) (fused when the backward pass is not recorded). */
import { Tensor, type OpDef, type TensorLike } from "../tensor.ts";
import { isTracing } from "../tape.ts";
import { tanhBackward } from "../kernels/fused.ts";
import { applyUnaryCode } from "./binary.ts";
import { TANH } from "../kernels/elementwise.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";

const tanhOp: OpDef = {
  name: "tanh",
  vjp: (F, g, _in, out) => {
    if (!isTracing()) {
      // Not recorded: g·(1 − y²) in one pass (same arithmetic as the composite below).
      const dx = allocF64Uninit(out.size);
      tanhBackward(g.data, out.data, dx);
      return [new Tensor(dx, out.shape)];
    }
    return [F.mul(g, F.sub(1, F.mul(out, out)))];
  },
};

export function tanh(x: TensorLike): Tensor {
  return applyUnaryCode(tanhOp, TANH, x);
}
