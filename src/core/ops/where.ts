/**
 * where(cond, a, b) = cond ≠ 0 ? a : b with broadcasting of all three. The condition is a
 * constant. VJP: (sumTo(where(c, g, 0), a), sumTo(where(c, 0, g), b)).
 */
import { Tensor, type OpDef, type TensorLike, asTensor, shapeSize } from "../tensor.ts";
import { broadcastShapes } from "../shape.ts";
import { broadcastData } from "../kernels/elementwise.ts";
import { record } from "../tape.ts";

const whereOp: OpDef = {
  name: "where",
  vjp: (F, g, [c, a, b]) => [
    null,
    a.requiresGrad ? F.sumTo(F.where(c, g, 0), a.shape) : null,
    b.requiresGrad ? F.sumTo(F.where(c, 0, g), b.shape) : null,
  ],
};

export function where(cond: TensorLike, x: TensorLike, y: TensorLike): Tensor {
  const c = asTensor(cond);
  const a = asTensor(x);
  const b = asTensor(y);
  const shape = broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape);
  const n = shapeSize(shape);
  const cd = c.size === n ? c.data : broadcastData(c.data, c.shape, shape);
  const ad = a.size === n ? a.data : broadcastData(a.data, a.shape, shape);
  const bd = b.size === n ? b.data : broadcastData(b.data, b.shape, shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = cd[i] !== 0 ? ad[i] : bd[i];
  return record(new Tensor(out, shape), whereOp, [c, a, b]);
}
