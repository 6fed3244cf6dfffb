/**
 * erf(x) = (2/√π)∫₀ˣ e^(−s²) ds, to full float64 accuracy. VJP: g·(2/√π)·e^(−x²).
 * Needed by the exact GELU, x·Φ(x) = ½x(1 + erf(x/√2)) (torch's default).
 */
import type { OpDef, Tensor, TensorLike } from "../tensor.ts";
import { applyUnary } from "./binary.ts";

const TWO_OVER_SQRT_PI = 1.1283791670955126;

const erfOp: OpDef = {
  name: "erf",
  vjp: (F, g, [a]) => [F.mul(g, F.mul(TWO_OVER_SQRT_PI, F.exp(F.neg(F.mul(a, a)))))],
};

export function erf(x: TensorLike): Tensor {
  return applyUnary(erfOp, x, erfScalar);
}

/**
 * erf by the everywhere-positive series erf(x) = (2/√π) e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
 * which has no cancellation (unlike the Taylor series), and erf = ±1 beyond |x| = 6 where
 * erfc(6) ≈ 2e−17 is below half an ulp of 1.
 */
export function erfScalar(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1;
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 500; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  return x < 0 ? -r : r;
}
