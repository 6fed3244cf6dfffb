/**
 * where(cond, a, b) = cond ≠ 0 ? a : b with broadcasting of all three. The condition is a
 * constant. VJP: (sumTo(where(c, g, 0), a), sumTo(where(c, 0, g), b)).
 */
import { Tensor, type OpDef, type TensorLike, asTensor, shapeSize, sameShape } from "../tensor.ts";
import { broadcastShapes } from "../shape.ts";
import { broadcastData } from "../kernels/elementwise.ts";
import { record } from "../tape.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";

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
  const shape =
    c.size === a.size && c.size === b.size && sameShape(c.shape, a.shape) && sameShape(c.shape, b.shape)
      ? a.shape
      : broadcastShapes(broadcastShapes(c.shape, a.shape), b.shape);
  const n = shapeSize(shape);
  // Scalars are read in place; other operands are materialised only when actually broadcast.
  const cd = c.size === n ? c.data : broadcastData(c.data, c.shape, shape);
  const out = allocF64Uninit(n);
  if (a.size === n && b.size === n) {
    const ad = a.data,
      bd = b.data;
    for (let i = 0; i < n; i++) out[i] = cd[i] !== 0 ? ad[i] : bd[i];
  } else if (a.size === n && b.size === 1) {
    const ad = a.data,
      v = b.data[0];
    for (let i = 0; i < n; i++) out[i] = cd[i] !== 0 ? ad[i] : v;
  } else if (a.size === 1 && b.size === n) {
    const u = a.data[0],
      bd = b.data;
    for (let i = 0; i < n; i++) out[i] = cd[i] !== 0 ? u : bd[i];
  } else {
    const ad = a.size === n ? a.data : broadcastData(a.data, a.shape, shape);
    const bd = b.size === n ? b.data : broadcastData(b.data, b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = cd[i] !== 0 ? ad[i] : bd[i];
  }
  const t = new Tensor(out, shape);
  return a.requiresGrad || b.requiresGrad ? record(t, whereOp, [c, a, b]) : t;
}
