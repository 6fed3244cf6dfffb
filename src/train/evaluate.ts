/**
 * Loss and accuracy of a model on a whole split, in chunks of `batchSize` samples so memory stays
 * bounded (a CNN's im2col buffer grows with the batch). Accuracy is for class-label targets: the
 * share of rows whose arg-max logit is the label (every position, for a transformer reading out all).
 */
import type { Tensor } from "../core/tensor.ts";
import { noGrad } from "../core/tape.ts";
import * as F from "../core/ops/index.ts";
import type { Split } from "../data/types.ts";
import type { Model } from "../nn/index.ts";
import { lossFn, type LossName } from "../nn/losses.ts";
import type { Tree } from "../core/tree.ts";

export interface SplitMetrics {
  loss: number;
  accuracy?: number;
}

/** Number of rows of `logits` (last axis = classes) whose arg-max equals the label. */
export function correctCount(logits: Tensor, labels: Tensor): number {
  const C = logits.shape[logits.ndim - 1];
  const rows = logits.size / C;
  let hits = 0;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (logits.data[r * C + c] > logits.data[r * C + best]) best = c;
    if (best === labels.data[r]) hits++;
  }
  return hits;
}

export function evaluateSplit(
  model: Model,
  params: Tree,
  split: Split,
  loss: LossName,
  batchSize: number,
): SplitMetrics {
  const n = split.x.shape[0];
  if (n === 0) return { loss: NaN };
  const L = lossFn(loss);
  let total = 0,
    hits = 0,
    rows = 0;
  noGrad(() => {
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      const out = model.apply(params, F.slice(split.x, [s], [e]));
      const y = F.slice(split.y, [s], [e]);
      // Every sample carries the same number of loss terms, so chunk means combine weighted by rows.
      total += L(out, y).item() * (e - s);
      if (loss === "xent") {
        hits += correctCount(out, y);
        rows += y.size;
      }
    }
  });
  return loss === "xent" ? { loss: total / n, accuracy: hits / rows } : { loss: total / n };
}
