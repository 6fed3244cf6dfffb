/**
 * slice(x, starts, ends): the box x[starts₀:ends₀, starts₁:ends₁, …] (step 1; missing trailing
 * axes are taken whole; negative indices count from the end). VJP: pad g with zeros back to x.
 */
import { Tensor, type OpDef, type TensorLike, asTensor, shapeSize } from "../tensor.ts";
import { copyBox } from "../kernels/box.ts";
import { record } from "../tape.ts";
import { allocF64Uninit } from "../kernels/alloc.ts";

interface SliceAttrs {
  starts: number[];
  ends: number[];
}

const sliceOp: OpDef = {
  name: "slice",
  vjp: (F, g, [a], _out, { starts, ends }: SliceAttrs) => [
    F.pad(
      g,
      starts,
      ends.map((e, i) => a.shape[i] - e),
    ),
  ],
};

export function slice(x: TensorLike, starts: readonly number[], ends?: readonly (number | undefined)[]): Tensor {
  const a = asTensor(x);
  const nd = a.ndim;
  if (starts.length > nd) throw new Error(`slice: ${starts.length} starts for a ${nd}-d tensor`);
  const s: number[] = [];
  const e: number[] = [];
  for (let d = 0; d < nd; d++) {
    const n = a.shape[d];
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
    const st = d < starts.length ? clamp(starts[d]) : 0;
    const en = ends && d < ends.length && ends[d] !== undefined ? clamp(ends[d] as number) : n;
    s.push(st);
    e.push(Math.max(en, st));
  }
  const box = s.map((st, d) => e[d] - st);
  if (box.every((b, d) => b === a.shape[d])) return a;
  const out = allocF64Uninit(shapeSize(box));
  copyBox(a.data, a.shape, s, out, box, true);
  return record(new Tensor(out, box), sliceOp, [a], { starts: s, ends: e });
}
