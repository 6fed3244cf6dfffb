/** Shared plumbing for broadcasting binary primitives: shape rule, loop and recording. */
import { Tensor, type OpDef, type TensorLike, asTensor, sameShape } from "../tensor.ts";
import { broadcastShapes } from "../shape.ts";
import { binaryKernel, mapBinary, mapUnary, unaryKernel, type BinaryFn, type UnaryFn } from "../kernels/elementwise.ts";
import { record } from "../tape.ts";

/** The broadcast shape of a and b, reusing an operand's shape array when it is the result. */
export function resultShape(a: Tensor, b: Tensor): readonly number[] {
  if (a.shape === b.shape || sameShape(a.shape, b.shape)) return a.shape;
  if (b.size === 1 && a.ndim >= b.ndim) return a.shape;
  if (a.size === 1 && b.ndim >= a.ndim) return b.shape;
  return broadcastShapes(a.shape, b.shape);
}

export function applyBinary(op: OpDef, x: TensorLike, y: TensorLike, f: BinaryFn): Tensor {
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = resultShape(a, b);
  const out = new Tensor(mapBinary(a.data, a.shape, b.data, b.shape, shape, f), shape);
  return record2(out, op, a, b);
}

/** A binary arithmetic primitive (code ADD, SUB, MUL or DIV of kernels/elementwise.ts). */
export function applyArith(op: OpDef, code: number, x: TensorLike, y: TensorLike): Tensor {
  const a = typeof x === "number" ? new Tensor(Float64Array.of(x), []) : x;
  const b = typeof y === "number" ? new Tensor(Float64Array.of(y), []) : y;
  const shape = resultShape(a, b);
  const out = new Tensor(binaryKernel(code, a.data, a.shape, b.data, b.shape, shape), shape);
  return record2(out, op, a, b);
}

export function applyUnary(op: OpDef, x: TensorLike, f: UnaryFn): Tensor {
  const a = asTensor(x);
  return record(new Tensor(mapUnary(a.data, f), a.shape), op, [a]);
}

/** A unary primitive with its own loop (code NEG, EXP, … of kernels/elementwise.ts). */
export function applyUnaryCode(op: OpDef, code: number, x: TensorLike): Tensor {
  const a = asTensor(x);
  const out = new Tensor(unaryKernel(code, a.data), a.shape);
  return a.requiresGrad ? record(out, op, [a]) : out;
}

function record2(out: Tensor, op: OpDef, a: Tensor, b: Tensor): Tensor {
  return a.requiresGrad || b.requiresGrad ? record(out, op, [a, b]) : out;
}
