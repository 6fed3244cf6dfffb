/** Linear layers and small shape helpers composed from primitives. */
import type { Tensor } from "../tensor.ts";
import { matmul } from "../ops/matmul.ts";
import { add } from "../ops/add.ts";
import { permute } from "../ops/permute.ts";
import { reshape } from "../ops/reshape.ts";
import { normAxis } from "../tensor.ts";

/** torch.nn.Linear: x Wᵀ + b with W [out, in]. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const y = matmul(x, weight, { transB: true });
  return bias ? add(y, bias) : y;
}

/** Swaps two axes (the last two by default). */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const p = Array.from({ length: x.ndim }, (_, i) => i);
  const i = normAxis(a, x.ndim);
  const j = normAxis(b, x.ndim);
  [p[i], p[j]] = [p[j], p[i]];
  return permute(x, p);
}

/** Flattens all axes from `start` on into one. */
export function flatten(x: Tensor, start = 1): Tensor {
  return reshape(x, [...x.shape.slice(0, start), -1]);
}
