/**
 * The activations by config name. relu is the fused primitive of ops/relu.ts; the others are
 * composed from primitives (comparisons give constant masks, so every derivative order is exact).
 */
import { type Tensor, type TensorLike, asTensor } from "../tensor.ts";
import { where } from "../ops/where.ts";
import { gt } from "../ops/compare.ts";
import { mul } from "../ops/mul.ts";
import { add } from "../ops/add.ts";
import { div } from "../ops/div.ts";
import { exp } from "../ops/exp.ts";
import { neg } from "../ops/neg.ts";
import { erf } from "../ops/erf.ts";
import { tanh } from "../ops/tanh.ts";
import { relu } from "../ops/relu.ts";

/** leakyRelu(x) = x for x > 0, slope·x otherwise (torch default slope 0.01). */
export function leakyRelu(x: TensorLike, slope = 0.01): Tensor {
  const a = asTensor(x);
  return where(gt(a, 0), a, mul(a, slope));
}

/** Exact GELU: x·Φ(x) = ½x(1 + erf(x/√2)) (torch.nn.GELU(approximate="none")). */
export function gelu(x: TensorLike): Tensor {
  const a = asTensor(x);
  return mul(mul(a, 0.5), add(1, erf(mul(a, Math.SQRT1_2))));
}

/** sigmoid(x) = 1/(1 + e^(−x)). */
export function sigmoid(x: TensorLike): Tensor {
  return div(1, add(1, exp(neg(asTensor(x)))));
}

export function square(x: TensorLike): Tensor {
  const a = asTensor(x);
  return mul(a, a);
}

export const ACTIVATIONS = ["relu", "tanh", "gelu", "identity", "leaky-relu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Looks an activation up by its config name. */
export function activation(name: Activation): (x: Tensor) => Tensor {
  switch (name) {
    case "relu":
      return relu;
    case "tanh":
      return tanh;
    case "gelu":
      return gelu;
    case "leaky-relu":
      return (x) => leakyRelu(x);
    case "identity":
      return (x) => x;
  }
}
