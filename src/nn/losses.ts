/**
 * Losses with torch semantics (docs/file-formats.md §losses):
 * mse  = mean over all output elements of (y − target)² (nn.MSELoss, reduction "mean");
 * xent = nn.CrossEntropyLoss, mean over the batch of logsumexp(z) − z[label] = −log softmax(z)[label].
 */
import { Tensor } from "../core/tensor.ts";
import * as F from "../core/ops/index.ts";
import { checkLabels } from "../core/kernels/softmaxXent.ts";

export type LossName = "mse" | "xent";

export function mse(out: Tensor, target: Tensor): Tensor {
  if (out.size !== target.size) throw new Error(`mse: output has ${out.size} elements, target ${target.size}`);
  const d = F.sub(out, F.reshape(target, out.shape));
  return F.mean(F.mul(d, d));
}

/**
 * logits [..., C] and integer labels shaped like logits without the class axis (F64 holding
 * integers): mean over all label positions.
 */
export function xent(logits: Tensor, labels: Tensor): Tensor {
  const C = logits.shape[logits.ndim - 1];
  const rows = logits.size / C;
  if (labels.size !== rows) throw new Error(`xent: ${rows} rows of logits but ${labels.size} labels`);
  const z = F.reshape(logits, [rows, C]);
  const onehot = oneHotInto(labels.data, C, new Float64Array(rows * C));
  // −mean log p[label], with log p from the max-shifted log-softmax (torch's log_softmax + nll).
  return F.neg(F.div(F.sum(F.mul(F.logSoftmax(z, -1), new Tensor(onehot, [rows, C]))), rows));
}

/** Writes the one-hot rows of integer `labels` over C classes into `out` (labels.length × C) and returns it. */
export function oneHotInto(labels: Float64Array, C: number, out: Float64Array): Float64Array {
  checkLabels(labels, labels.length, C);
  out.fill(0);
  for (let i = 0; i < labels.length; i++) out[i * C + labels[i]] = 1;
  return out;
}

export function lossFn(name: LossName): (out: Tensor, target: Tensor) => Tensor {
  return name === "mse" ? mse : xent;
}
