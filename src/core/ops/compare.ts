/**
 * Comparisons and sign: piecewise-constant functions, so their outputs are constants (never
 * recorded) and their derivative is zero almost everywhere. Results are 1.0 / 0.0.
 */
import { Tensor, type TensorLike, asTensor } from "../tensor.ts";
import { broadcastShapes } from "../shape.ts";
import { mapBinary, mapUnary, type BinaryFn } from "../kernels/elementwise.ts";

function compare(x: TensorLike, y: TensorLike, f: BinaryFn): Tensor {
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = broadcastShapes(a.shape, b.shape);
  return new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, f), shape);
}

export const gt = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, (x, y) => (x > y ? 1 : 0));
export const ge = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, (x, y) => (x >= y ? 1 : 0));
export const lt = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, (x, y) => (x < y ? 1 : 0));
export const le = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, (x, y) => (x <= y ? 1 : 0));
export const eq = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, (x, y) => (x === y ? 1 : 0));
export const ne = (a: TensorLike, b: TensorLike): Tensor => compare(a, b, (x, y) => (x !== y ? 1 : 0));

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
  return new Tensor(mapUnary(a.data, (v) => (Number.isFinite(v) ? 0 : 1)), a.shape);
}
