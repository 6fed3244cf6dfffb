/**
 * softmax / log-softmax over one axis. log-softmax is (x − m) − log Σ exp(x − m) with m the
 * (constant) row max, as torch computes it: subtracting m before the log keeps full relative
 * accuracy even for huge logits, and a constant shift leaves every derivative unchanged.
 */
import { Tensor, type TensorLike, asTensor } from "../tensor.ts";
import { sub } from "../ops/sub.ts";
import { exp } from "../ops/exp.ts";
import { log } from "../ops/log.ts";
import { sum } from "../ops/sum.ts";
import { max } from "../ops/max.ts";
import { stopGradient } from "../ops/compare.ts";

export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const a = asTensor(x);
  const m = stopGradient(max(a, axis, true));
  const shifted = sub(
    a,
    new Tensor(
      m.data.map((v) => (Number.isFinite(v) ? v : 0)),
      m.shape,
    ),
  );
  return sub(shifted, log(sum(exp(shifted), axis, true)));
}

export function softmax(x: TensorLike, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}
