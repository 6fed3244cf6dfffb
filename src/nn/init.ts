/** Parameter initialisers with torch's default distributions, drawn from explicit keys. */
import type { Tensor } from "../core/tensor.ts";
import { type Key, uniform, normal } from "../core/random.ts";

/** torch.nn.Linear / Conv2d default: U(−1/√fanIn, 1/√fanIn) for weight and bias. */
export function fanInUniform(k: Key, shape: readonly number[], fanIn: number): Tensor {
  const b = 1 / Math.sqrt(fanIn);
  return uniform(k, shape, -b, b);
}

export function gaussian(k: Key, shape: readonly number[], std = 1): Tensor {
  return normal(k, shape, 0, std);
}
