/** concat(xs, axis): join along one axis. VJP: the matching slices of g. */
import { Tensor, type OpDef, type TensorLike, asTensor, normAxis, shapeSize } from "../tensor.ts";
import { copyBox } from "../kernels/box.ts";
import { record } from "../tape.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";

const concatOp: OpDef = {
  name: "concat",
  vjp: (F, g, inputs, _out, axis: number) => {
    let off = 0;
    return inputs.map((x) => {
      const starts = x.shape.map((_, i) => (i === axis ? off : 0));
      const ends = x.shape.map((d, i) => (i === axis ? off + d : d));
      off += x.shape[axis];
      return x.requiresGrad ? F.slice(g, starts, ends) : null;
    });
  },
};

export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  const ts = xs.map(asTensor);
  if (ts.length === 0) throw new Error("concat of no tensors");
  const ax = normAxis(axis, ts[0].ndim);
  for (const t of ts) {
    if (t.ndim !== ts[0].ndim || t.shape.some((d, i) => i !== ax && d !== ts[0].shape[i])) {
      throw new Error(`concat: shapes [${ts[0].shape}] and [${t.shape}] differ off axis ${ax}`);
    }
  }
  const shape = ts[0].shape.map((d, i) => (i === ax ? ts.reduce((s, t) => s + t.shape[ax], 0) : d));
  const out = allocF64Uninit(shapeSize(shape));
  let off = 0;
  for (const t of ts) {
    copyBox(
      out,
      shape,
      shape.map((_, i) => (i === ax ? off : 0)),
      t.data,
      t.shape,
      false,
    );
    off += t.shape[ax];
  }
  return record(new Tensor(out, shape), concatOp, ts, ax);
}
