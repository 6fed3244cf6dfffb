/**
 * im2col(x, k, pad): [N, C, H, W] → [N, C·k·k, Ho·Wo] patches of a stride-1 convolution with zero
 * padding (see kernels/im2col.ts). Linear; VJP: col2im(g).
 */
import { Tensor, type OpDef } from "../tensor.ts";
import { convGeometry, im2colData, type ConvGeometry } from "../kernels/im2col.ts";
import { record } from "../tape.ts";

const im2colOp: OpDef = {
  name: "im2col",
  vjp: (F, g, _in, _out, geom: ConvGeometry) => [F.col2im(g, geom)],
};

export function im2col(x: Tensor, k: number, pad: number): Tensor {
  const geom = convGeometry(x.shape, k, pad);
  const out = im2colData(x.data, geom);
  return record(new Tensor(out, [geom.N, geom.C * k * k, geom.Ho * geom.Wo]), im2colOp, [x], geom);
}
