/**
 * 2-D convolution (stride 1, zero padding) as im2col + matmul, and non-overlapping max-pooling as
 * slice + reshape + max: both built from primitives, so their second derivatives are exact.
 */
import type { Tensor } from "../tensor.ts";
import { im2col } from "../ops/im2col.ts";
import { matmul } from "../ops/matmul.ts";
import { reshape } from "../ops/reshape.ts";
import { add } from "../ops/add.ts";
import { slice } from "../ops/slice.ts";
import { max } from "../ops/max.ts";

/** x [N, C, H, W], weight [O, C, k, k], bias [O] → [N, O, H + 2p − k + 1, W + 2p − k + 1]. */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor, padding = 0): Tensor {
  const [O, C, k, k2] = weight.shape;
  if (weight.ndim !== 4 || k !== k2) throw new Error(`conv2d weight must be [O, C, k, k], got [${weight.shape}]`);
  if (x.shape[1] !== C) throw new Error(`conv2d: input has ${x.shape[1]} channels, weight expects ${C}`);
  const cols = im2col(x, k, padding); // [N, C·k·k, Ho·Wo]
  const Ho = x.shape[2] + 2 * padding - k + 1;
  const Wo = x.shape[3] + 2 * padding - k + 1;
  let y = matmul(reshape(weight, [O, C * k * k]), cols); // [N, O, Ho·Wo]
  if (bias) y = add(y, reshape(bias, [O, 1]));
  return reshape(y, [x.shape[0], O, Ho, Wo]);
}

/** Max-pooling with a p×p window and stride p (torch's floor mode: a ragged edge is dropped). */
export function maxPool2d(x: Tensor, p: number): Tensor {
  const [N, C, H, W] = x.shape;
  const Ho = Math.floor(H / p);
  const Wo = Math.floor(W / p);
  if (Ho < 1 || Wo < 1) throw new Error(`max-pool window ${p} larger than the ${H}×${W} input`);
  const cropped = slice(x, [0, 0, 0, 0], [N, C, Ho * p, Wo * p]);
  return max(reshape(cropped, [N, C, Ho, p, Wo, p]), [3, 5]);
}
