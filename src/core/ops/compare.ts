/**
 * Comparisons and sign: piecewise-constant functions, so their outputs are constants (never
 * recorded) and their derivative is zero almost everywhere. Results are 1.0 / 0.0.
 */
import { Tensor, type TensorLike, asTensor } from "../tensor.ts";
import { mapUnary, binaryKernel, GT, GE, LT, LE, EQ, NE } from "../kernels/elementwise.ts";
import { resultShape } from "./binary.ts";

function compare(x: TensorLike, y: TensorLike, code: number): Tensor {
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = resultShape(a, b);
  return new Tensor(binaryKernel(code, a.data, a.shape, b.data, b.shape, shape), shape);
}

export const gt = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, GT);
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, GE);
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, LT);
export const le = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, LE);
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, EQ);
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, NE);

/** sign(x) ∈ {−1, 0, 1} (NaN stays NaN). */
export function sign(x: TensorLike): Tensor {
  const a = asTensor(x);
  return new Tensor(mapUnary(a.data, Math.sign), a.shape);
}

/** A constant copy: the value of x with no gradient flowing through it (torch's detach). */
export function stopGradient(x: TensorLike): Tensor {
  const a = asTensor(x);
  return new Tensor(a.data, a.shape);
}

/** True where x is NaN or ±Inf (as 1.0). */
export function isNonFinite(x: TensorLike): Tensor {
  const a = asTensor(x);
  return new Tensor(
    mapUnary(a.data, (v) => (Number.isFinite(v) ? 0 : 1)),
    a.shape,
  );
}
