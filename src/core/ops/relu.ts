/**
 * relu(x) = max(x, 0) as a primitive (derivative 0 at x = 0, torch's choice; NaN → 0 as the
 * composite where(gt(x, 0), x, 0)). VJP: where(x > 0, g, 0) — one fused pass, or the
 * differentiable where/gt form when the backward pass is recorded (its derivative is again exact:
 * the mask is a constant). The activation lookup by config name is composite/activations.ts.
 */
import { Tensor, type OpDef, type TensorLike, asTensor } from "../tensor.ts";
import { isTracing, record } from "../tape.ts";
import { reluForward, reluBackward } from "../kernels/fused.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";

const reluOp: OpDef = {
  name: "relu",
  vjp: (F, g, [x]) => {
    if (!isTracing()) {
      const dx = allocF64Uninit(x.size);
      reluBackward(g.data, x.data, dx);
      return [new Tensor(dx, x.shape)];
    }
    return [F.where(F.gt(x, 0), g, 0)];
  },
};

export function relu(x: TensorLike): Tensor {
  const a = asTensor(x);
  const out = allocF64Uninit(a.size);
  reluForward(a.data, out);
  const t = new Tensor(out, a.shape);
  return a.requiresGrad ? record(t, reluOp, [a]) : t;
}
