/** pad(x, before, after): zero padding per axis. VJP: slice g back to the interior. */
import { Tensor, type OpDef, type TensorLike, asTensor, shapeSize } from "../tensor.ts";
import { copyBox } from "../kernels/box.ts";
import { record } from "../tape.ts";
import { allocF64 } from "../kernels/alloc.ts";

interface PadAttrs {
  before: number[];
  after: number[];
}

const padOp: OpDef = {
  name: "pad",
  vjp: (F, g, [a], _out, { before }: PadAttrs) => [
    F.slice(
      g,
      before,
      before.map((b, i) => b + a.shape[i]),
    ),
  ],
};

export function pad(x: TensorLike, before: readonly number[], after: readonly number[]): Tensor {
  const a = asTensor(x);
  const b = a.shape.map((_, i) => before[i] ?? 0);
  const f = a.shape.map((_, i) => after[i] ?? 0);
  if ([...b, ...f].some((v) => !Number.isInteger(v) || v < 0))
    throw new Error(`pad: widths must be non-negative integers`);
  if (b.every((v) => v === 0) && f.every((v) => v === 0)) return a;
  const shape = a.shape.map((d, i) => d + b[i] + f[i]);
  const out = allocF64(shapeSize(shape));
  copyBox(out, shape, b, a.data, a.shape, false);
  return record(new Tensor(out, shape), padOp, [a], { before: b, after: f });
}
