/**
 * A supervised task: seeded train/test splits of inputs and targets. Class labels are float64
 * integers (as `xent` expects); regression targets are real values for `mse`.
 */
import type { Tensor } from "../core/tensor.ts";
import type { LossName } from "../nn/losses.ts";

export interface Split {
  /** Inputs [N, …sample shape]. */
  x: Tensor;
  /** Targets [N] (class labels) or [N, …] (regression values). */
  y: Tensor;
}

export interface TaskData {
  name: string;
  train: Split;
  /** May hold zero samples (trainFraction 1). */
  test: Split;
  /** The loss that fits the targets: xent for class labels, mse for real-valued targets. */
  loss: LossName;
  /** Number of classes of a classification task. */
  classes?: number;
}
