/** permute(x, perm): axis i of the result is axis perm[i] of x. VJP: permute(g, perm⁻¹). */
import { Tensor, type OpDef, type TensorLike, asTensor, stridesOf } from "../tensor.ts";
import { checkPermutation, invertPermutation } from "../shape.ts";
import { record } from "../tape.ts";

const permuteOp: OpDef = {
  name: "permute",
  vjp: (F, g, _in, _out, perm: number[]) => [F.permute(g, invertPermutation(perm))],
};

export function permute(x: TensorLike, perm: readonly number[]): Tensor {
  const a = asTensor(x);
  const p = checkPermutation(perm, a.ndim);
  if (p.every((v, i) => v === i)) return a;
  const shape = p.map((d) => a.shape[d]);
  const inStrides = stridesOf(a.shape);
  const st = p.map((d) => inStrides[d]); // stride in the input for each output axis
  const out = new Float64Array(a.size);
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let src = 0;
  const inner = shape[nd - 1];
  const innerStride = st[nd - 1];
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = a.data[src + j * innerStride];
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      src += st[d];
      if (idx[d] < shape[d]) break;
      src -= st[d] * shape[d];
      idx[d] = 0;
    }
  }
  return record(new Tensor(out, shape), permuteOp, [a], p);
}
