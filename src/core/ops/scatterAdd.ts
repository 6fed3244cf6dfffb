/**
 * scatterAdd(src, indices, V): a [V, …] zero tensor with row indices[i] += src[i] — the adjoint of
 * gather. VJP: gather(g, indices).
 */
import { Tensor, type OpDef, shapeSize } from "../tensor.ts";
import { record } from "../tape.ts";
import type { Indices } from "./gather.ts";
import { allocF64 } from "../kernels/alloc.ts";

interface ScatterAttrs {
  indices: Indices;
}

const scatterAddOp: OpDef = {
  name: "scatterAdd",
  vjp: (F, g, _in, _out, { indices }: ScatterAttrs) => [F.gather(g, indices)],
};

export function scatterAdd(src: Tensor, indices: Indices, V: number): Tensor {
  const rowShape = src.shape.slice(indices.shape.length);
  const row = shapeSize(rowShape);
  const out = allocF64(V * row);
  const idx = indices.data;
  for (let i = 0; i < idx.length; i++) {
    const base = idx[i] * row;
    const s = i * row;
    for (let j = 0; j < row; j++) out[base + j] += src.data[s + j];
  }
  return record(new Tensor(out, [V, ...rowShape]), scatterAddOp, [src], { indices });
}
