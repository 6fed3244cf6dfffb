/**
 * Layer normalisation over the last axis: (x − μ)/√(σ² + ε)·γ + β, biased variance, ε = 1e-5
 * (torch.nn.LayerNorm defaults). γ, β optional (elementwise_affine=False when omitted).
 */
import type { Tensor } from "../tensor.ts";
import { sub } from "../ops/sub.ts";
import { div } from "../ops/div.ts";
import { mul } from "../ops/mul.ts";
import { add } from "../ops/add.ts";
import { sqrt } from "../ops/sqrt.ts";
import { mean, variance } from "./reduce.ts";

export function layerNorm(x: Tensor, gamma?: Tensor, beta?: Tensor, eps = 1e-5): Tensor {
  const mu = mean(x, -1, true);
  let y = div(sub(x, mu), sqrt(add(variance(x, -1, true), eps)));
  if (gamma) y = mul(y, gamma);
  if (beta) y = add(y, beta);
  return y;
}
