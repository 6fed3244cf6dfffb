/** broadcastTo(x, shape): numpy broadcasting made explicit. VJP: sumTo(g, x.shape). */
import { Tensor, type OpDef, type Shape, type TensorLike, asTensor, sameShape } from "../tensor.ts";
import { broadcastShapes } from "../shape.ts";
import { broadcastData } from "../kernels/elementwise.ts";
import { record } from "../tape.ts";

const broadcastToOp: OpDef = {
  name: "broadcastTo",
  vjp: (F, g, [a]) => [F.sumTo(g, a.shape)],
};

export function broadcastTo(x: TensorLike, shape: Shape): Tensor {
  const a = asTensor(x);
  if (sameShape(a.shape, shape)) return a;
  const full = broadcastShapes(a.shape, shape);
  if (!sameShape(full, shape)) throw new Error(`cannot broadcast [${a.shape}] to [${shape}]`);
  return record(new Tensor(broadcastData(a.data, a.shape, shape), [...shape]), broadcastToOp, [a]);
}
