/**
 * Reductions over a set of axes. Adjacent axes with the same role (reduced or kept) are merged
 * first, so any reduction becomes an alternation of kept and reduced blocks; the innermost block
 * is walked contiguously (a running sum/max when it is reduced, a row-wise accumulation into the
 * output when it is kept), with a small odometer over the outer blocks. Sums are accumulated in
 * memory order, as before.
 */
import type { Shape } from "../tensor.ts";
import { allocF64 } from "./alloc.ts";
import { Odometer } from "./odometer.ts";
import { colSums } from "./stream.ts";

export type Fold = "sum" | "max";

export function reduceAxes(a: Float64Array, shape: Shape, axes: readonly number[], fold: Fold): Float64Array {
  const nd = shape.length;
  const isMax = fold === "max";
  let outSize = 1;
  for (let i = 0; i < nd; i++) if (!axes.includes(i)) outSize *= shape[i];
  const out = allocF64(outSize);
  if (isMax) out.fill(-Infinity);
  if (a.length === 0) return out;
  if (outSize === 1) {
    out[0] = isMax ? maxRun(a, 0, a.length, -Infinity) : sumRun(a, 0, a.length, 0);
    return out;
  }
  // Merged blocks, outer first: size, reduced?, and output stride (0 for reduced blocks).
  const size: number[] = [];
  const red: boolean[] = [];
  for (let i = 0; i < nd; i++) {
    if (shape[i] === 1) continue;
    const r = axes.includes(i);
    const k = size.length - 1;
    if (k >= 0 && red[k] === r) size[k] *= shape[i];
    else {
      size.push(shape[i]);
      red.push(r);
    }
  }
  const nb = size.length;
  const os = new Array<number>(nb).fill(0);
  let acc = 1;
  for (let d = nb - 1; d >= 0; d--) {
    if (!red[d]) {
      os[d] = acc;
      acc *= size[d];
    }
  }
  const inner = size[nb - 1];
  if (nb === 2 && red[1]) {
    // [kept, reduced]: one contiguous run per output element (softmax, layer norm, losses).
    for (let r = 0; r < outSize; r++)
      out[r] = isMax ? maxRun(a, r * inner, inner, -Infinity) : sumRun(a, r * inner, inner, 0);
    return out;
  }
  if (nb === 2 && !red[1]) {
    // [reduced, kept]: add rows into the output (bias gradients, batch sums).
    const rows = size[0];
    if (!isMax) {
      colSums(a, rows, inner, out);
      return out;
    }
    for (let i = 0; i < rows; i++) {
      const base = i * inner;
      for (let j = 0; j < inner; j++) {
        const v = a[base + j];
        if (v > out[j] || v !== v) out[j] = v;
      }
    }
    return out;
  }
  const w = new Odometer(size, os, undefined, nb - 1);
  const innerRed = red[nb - 1];
  for (let i = 0; i < a.length; i += inner, w.next()) {
    const o = w.a;
    if (innerRed) out[o] = isMax ? maxRun(a, i, inner, out[o]) : sumRun(a, i, inner, out[o]);
    else if (isMax) {
      for (let j = 0; j < inner; j++) {
        const v = a[i + j];
        if (v > out[o + j] || v !== v) out[o + j] = v;
      }
    } else {
      for (let j = 0; j < inner; j++) out[o + j] += a[i + j];
    }
  }
  return out;
}

function sumRun(a: Float64Array, start: number, len: number, init: number): number {
  let s = init;
  for (let i = start, e = start + len; i < e; i++) s += a[i];
  return s;
}

function maxRun(a: Float64Array, start: number, len: number, init: number): number {
  let m = init;
  for (let i = start, e = start + len; i < e; i++) {
    const v = a[i];
    if (v > m || v !== v) m = v;
  }
  return m;
}
