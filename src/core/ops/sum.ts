/** sum(x, axes?, keepdims?) over the given axes (all by default). VJP: broadcast g back to x. */
import { Tensor, type OpDef, type TensorLike, asTensor } from "../tensor.ts";
import { normAxes, reducedShape } from "../shape.ts";
import { reduceAxes } from "../kernels/reduce.ts";
import { record } from "../tape.ts";

interface SumAttrs {
  axes: number[];
  keepdims: boolean;
}

const sumOp: OpDef = {
  name: "sum",
  vjp: (F, g, [a], _out, { axes }: SumAttrs) => [
    F.broadcastTo(F.reshape(g, reducedShape(a.shape, axes, true)), a.shape),
  ],
};

export function sum(x: TensorLike, axes?: number | readonly number[], keepdims = false): Tensor {
  const a = asTensor(x);
  const ax = normAxes(axes, a.ndim);
  const data = reduceAxes(a.data, a.shape, ax, "sum");
  return record(new Tensor(data, reducedShape(a.shape, ax, keepdims)), sumOp, [a], { axes: ax, keepdims });
}
