/** softmax / log-softmax over one axis, from the stabilised logsumexp. */
import { type Tensor, type TensorLike, asTensor } from "../tensor.ts";
import { sub } from "../ops/sub.ts";
import { exp } from "../ops/exp.ts";
import { logsumexp } from "./reduce.ts";

export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const a = asTensor(x);
  return sub(a, logsumexp(a, axis, true));
}

export function softmax(x: TensorLike, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}
