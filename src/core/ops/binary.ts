/** Shared plumbing for broadcasting binary primitives: shape rule, loop and recording. */
import { Tensor, type OpDef, type TensorLike, asTensor } from "../tensor.ts";
import { broadcastShapes } from "../shape.ts";
import { mapBinary, mapUnary, type BinaryFn, type UnaryFn } from "../kernels/elementwise.ts";
import { record } from "../tape.ts";

export function applyBinary(op: OpDef, x: TensorLike, y: TensorLike, f: BinaryFn): Tensor {
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = broadcastShapes(a.shape, b.shape);
  const out = new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, f), shape);
  return record(out, op, [a, b]);
}

export function applyUnary(op: OpDef, x: TensorLike, f: UnaryFn): Tensor {
  const a = asTensor(x);
  return record(new Tensor(mapUnary(a.data, f), a.shape), op, [a]);
}
