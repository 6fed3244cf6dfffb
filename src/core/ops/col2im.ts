/** col2im(cols, geometry): the adjoint of im2col (patches scatter-added back). VJP: im2col(g). */
import { Tensor, type OpDef } from "../tensor.ts";
import { col2imData, type ConvGeometry } from "../kernels/im2col.ts";
import { record } from "../tape.ts";

const col2imOp: OpDef = {
  name: "col2im",
  vjp: (F, g, _in, _out, geom: ConvGeometry) => [F.im2col(g, geom.k, geom.pad)],
};

export function col2im(cols: Tensor, geom: ConvGeometry): Tensor {
  const out = col2imData(cols.data, geom);
  return record(new Tensor(out, [geom.N, geom.C, geom.H, geom.W]), col2imOp, [cols], geom);
}
