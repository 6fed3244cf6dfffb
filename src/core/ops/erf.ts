/**
 * erf(x) = (2/√π)∫₀ˣ e^(−s²) ds, to full float64 accuracy. VJP: g·(2/√π)·e^(−x²).
 * Needed by the exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)) (torch's default). The scalar erf is
 * Cody's rational approximation (../special.ts).
 */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnary } from "./binary.ts";
import { erf as erfScalar } from "../special.ts";

const TWO_OVER_SQRT_PI = 1.1283791670955126;

const erfOp: OpDef = {
  name: "erf",
  vjp: (F, g, [a]) => [F.mul(g, F.mul(TWO_OVER_SQRT_PI, F.exp(F.neg(F.mul(a, a)))))],
};

export function erf(x: TensorLike): Tensor {
  return applyUnary(erfOp, x, erfScalar);
}
