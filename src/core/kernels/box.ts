/**
 * Copies between a tensor and an axis-aligned box inside a larger tensor: the kernel behind
 * slice (box → new array) and pad / concat (array → box of a larger zero array).
 */
import { type Shape, stridesOf } from "../tensor.ts";
import { Odometer } from "./odometer.ts";

/**
 * For each element of a box of shape `box` starting at `start` inside `big` (shape `bigShape`),
 * copies big → small (`extract`) or small → big (otherwise).
 */
export function copyBox(
  big: Float64Array,
  bigShape: Shape,
  start: readonly number[],
  small: Float64Array,
  box: Shape,
  extract: boolean,
): void {
  const nd = box.length;
  if (small.length === 0) return;
  const bs = stridesOf(bigShape);
  let base = 0;
  for (let d = 0; d < nd; d++) base += start[d] * bs[d];
  if (nd === 0) {
    if (extract) small[0] = big[0];
    else big[0] = small[0];
    return;
  }
  const inner = box[nd - 1];
  const w = new Odometer(box, bs, undefined, nd - 1, base);
  for (let s = 0; s < small.length; s += inner, w.next()) {
    const off = w.a;
    if (extract) for (let j = 0; j < inner; j++) small[s + j] = big[off + j];
    else for (let j = 0; j < inner; j++) big[off + j] = small[s + j];
  }
}
