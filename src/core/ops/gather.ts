/**
 * gather(table, indices): rows of `table` (shape [V, …]) picked by integer indices of any shape,
 * giving [...indexShape, …] — an embedding lookup. The indices are data, not differentiable.
 * VJP: scatterAdd(g, indices, V).
 */
import { Tensor, type OpDef, type Shape, shapeSize } from "../tensor.ts";
import { record } from "../tape.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";

export interface Indices {
  readonly data: Int32Array;
  readonly shape: Shape;
}

interface GatherAttrs {
  indices: Indices;
}

const gatherOp: OpDef = {
  name: "gather",
  vjp: (F, g, [t], _out, { indices }: GatherAttrs) => [F.scatterAdd(g, indices, t.shape[0])],
};

/** Converts integer-valued data (numbers, a float tensor holding integers) to checked indices. */
export function toIndices(values: ArrayLike<number> | Tensor, shape?: Shape, bound?: number): Indices {
  const src = values instanceof Tensor ? values.data : values;
  const sh = values instanceof Tensor ? values.shape : (shape ?? [src.length]);
  const data = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    if (!Number.isInteger(v) || v < 0 || (bound !== undefined && v >= bound)) {
      throw new Error(`index ${v} at position ${i} is not an integer in [0, ${bound ?? "∞"})`);
    }
    data[i] = v;
  }
  return { data, shape: [...sh] };
}

export function gather(table: Tensor, indices: Indices): Tensor {
  const V = table.shape[0];
  const row = table.size / V;
  const shape = [...indices.shape, ...table.shape.slice(1)];
  const out = allocF64Uninit(shapeSize(shape));
  const idx = indices.data;
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i];
    if (r < 0 || r >= V) throw new Error(`gather: index ${r} out of range [0, ${V})`);
    out.set(table.data.subarray(r * row, (r + 1) * row), i * row);
  }
  return record(new Tensor(out, shape), gatherOp, [table], { indices });
}
