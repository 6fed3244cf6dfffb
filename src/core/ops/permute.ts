/** permute(x, perm): axis i of the result is axis perm[i] of x. VJP: permute(g, perm⁻¹). */
import { Tensor, type OpDef, type TensorLike, asTensor } from "../tensor.ts";
import { permuteData } from "../kernels/permute.ts";
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
  const out = permuteData(a.data, a.shape, p);
  return record(new Tensor(out, shape), permuteOp, [a], p);
}
