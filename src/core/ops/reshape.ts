/** reshape(x, shape): same data, new shape (one axis may be −1). VJP: reshape(g, x.shape). */
import { Tensor, type OpDef, type Shape, type TensorLike, asTensor, sameShape, shapeSize } from "../tensor.ts";
import { record } from "../tape.ts";

const reshapeOp: OpDef = {
  name: "reshape",
  vjp: (F, g, [a]) => [F.reshape(g, a.shape)],
};

export function reshape(x: TensorLike, shape: Shape): Tensor {
  const a = asTensor(x);
  const target = resolveShape(shape, a.size);
  if (sameShape(target, a.shape)) return a;
  return record(new Tensor(a.data, target), reshapeOp, [a]);
}

function resolveShape(shape: Shape, size: number): number[] {
  // The common case, a shape without −1 that fits, in one loop (the general path below allocates
  // a few closures and arrays per call).
  const copy = new Array<number>(shape.length);
  let n = 1,
    plain = true;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!(Number.isInteger(d) && d >= 0)) plain = false;
    n *= d;
    copy[i] = d;
  }
  if (plain && n === size) return copy;
  const out = [...shape];
  const free = out.indexOf(-1);
  if (free >= 0) {
    const rest = shapeSize(out.filter((_, i) => i !== free));
    out[free] = rest === 0 ? 0 : size / rest;
  }
  if (!out.every((d) => Number.isInteger(d) && d >= 0) || shapeSize(out) !== size) {
    throw new Error(`cannot reshape ${size} elements to [${shape}]`);
  }
  return out;
}
