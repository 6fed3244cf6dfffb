/**
 * max(x, axes?, keepdims?) over axes. VJP: g spread evenly over the arg-max positions (ties share
 * it, as torch.amax does); the tie mask is a constant, so max is exactly piecewise linear.
 */
import { Tensor, type OpDef, type TensorLike, asTensor } from "../tensor.ts";
import { normAxes, reducedShape } from "../shape.ts";
import { reduceAxes } from "../kernels/reduce.ts";
import { record } from "../tape.ts";

interface MaxAttrs {
  axes: number[];
  keepdims: boolean;
}

const maxOp: OpDef = {
  name: "max",
  vjp: (F, g, [a], out, { axes }: MaxAttrs) => {
    const kept = reducedShape(a.shape, axes, true);
    const mask = F.eq(a, F.reshape(F.stopGradient(out), kept));
    const count = F.sum(mask, axes, true);
    return [F.mul(F.reshape(g, kept), F.div(mask, count))];
  },
};

export function max(x: TensorLike, axes?: number | readonly number[], keepdims = false): Tensor {
  const a = asTensor(x);
  if (a.size === 0) throw new Error("max of an empty tensor");
  const ax = normAxes(axes, a.ndim);
  const data = reduceAxes(a.data, a.shape, ax, "max");
  return record(new Tensor(data, reducedShape(a.shape, ax, keepdims)), maxOp, [a], { axes: ax, keepdims });
}
