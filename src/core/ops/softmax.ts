/**
 * softmax / logSoftmax over one axis as primitives (fused row kernels over the last axis; other
 * axes use the composite definitions of composite/softmax.ts). Both shift by the row max (a
 * constant: every derivative is unchanged), 0 for a row whose max is not finite, as torch does.
 *
 * VJPs in terms of the output y: log-softmax dx = g − exp(y)·Σg; softmax dx = y·(g − Σ g·y).
 * When the backward pass is recorded they are built from primitives (exact at every order).
 * The row kernels are the active backend's streaming kernels (native: the same bits, with exp
 * and log ported from V8's; docs/performance.md §streaming-kernels).
 */
import { Tensor, type OpDef, type TensorLike, asTensor, normAxis } from "../tensor.ts";
import { isTracing, record } from "../tape.ts";
import { softmaxBackward } from "../kernels/fused.ts";
import { streamKernels } from "../backends/gemm/index.ts";
import { logSoftmax as logSoftmaxComposite, softmax as softmaxComposite } from "../composite/softmax.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";

const logSoftmaxOp: OpDef = {
  name: "logSoftmax",
  vjp: (F, g, [x], y) => {
    if (!isTracing()) {
      const d = x.shape[x.ndim - 1];
      const dx = allocF64Uninit(x.size);
      streamKernels().logSoftmaxBackward(g.data, y.data, x.size / d, d, dx);
      return [new Tensor(dx, x.shape)];
    }
    return [F.sub(g, F.mul(F.exp(y), F.sum(g, -1, true)))];
  },
};

const softmaxOp: OpDef = {
  name: "softmax",
  vjp: (F, g, [x], y) => {
    if (!isTracing()) {
      const d = x.shape[x.ndim - 1];
      const dx = allocF64Uninit(x.size);
      softmaxBackward(g.data, y.data, x.size / d, d, dx);
      return [new Tensor(dx, x.shape)];
    }
    return [F.mul(y, F.sub(g, F.sum(F.mul(g, y), -1, true)))];
  },
};

function lastAxis(a: Tensor, axis: number): boolean {
  return a.ndim > 0 && a.size > 0 && normAxis(axis, a.ndim) === a.ndim - 1;
}

export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const a = asTensor(x);
  if (!lastAxis(a, axis)) return logSoftmaxComposite(a, axis);
  const d = a.shape[a.ndim - 1];
  const out = allocF64Uninit(a.size);
  streamKernels().logSoftmaxRows(a.data, a.size / d, d, out);
  return record(new Tensor(out, a.shape), logSoftmaxOp, [a]);
}

export function softmax(x: TensorLike, axis = -1): Tensor {
  const a = asTensor(x);
  if (!lastAxis(a, axis)) return softmaxComposite(a, axis);
  const d = a.shape[a.ndim - 1];
  const out = allocF64Uninit(a.size);
  streamKernels().softmaxRows(a.data, a.size / d, d, out);
  return record(new Tensor(out, a.shape), softmaxOp, [a]);
}
