/**
 * Reductions over a set of axes. The input is walked once in memory order; each element is folded
 * into the output slot whose index ignores the reduced axes.
 */
import { type Shape, shapeSize, stridesOf } from "../tensor.ts";

export type Fold = "sum" | "max";

export function reduceAxes(a: Float64Array, shape: Shape, axes: readonly number[], fold: Fold): Float64Array {
  const nd = shape.length;
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outSize = shapeSize(outShape);
  const out = new Float64Array(outSize);
  if (fold === "max") out.fill(-Infinity);
  if (a.length === 0) return out;
  if (outSize === 1) {
    out[0] = fold === "sum" ? sumAll(a) : maxAll(a);
    return out;
  }
  // Contiguous trailing reduction (rows), the common case (softmax, layer norm, losses).
  let trailing = true;
  for (let i = 0; i < nd; i++) if (axes.includes(i) !== i >= nd - axes.length) trailing = false;
  if (trailing) {
    const m = a.length / outSize;
    for (let r = 0; r < outSize; r++) {
      const base = r * m;
      let acc = fold === "sum" ? 0 : -Infinity;
      if (fold === "sum") for (let j = 0; j < m; j++) acc += a[base + j];
      else for (let j = 0; j < m; j++) { const v = a[base + j]; if (v > acc || v !== v) acc = v; }
      out[r] = acc;
    }
    return out;
  }
  const os = stridesOf(outShape).map((s, i) => (axes.includes(i) ? 0 : s));
  const idx = new Array<number>(nd).fill(0);
  let o = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (fold === "sum") out[o] += v;
    else if (v > out[o] || v !== v) out[o] = v;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      o += os[d];
      if (idx[d] < shape[d]) break;
      o -= os[d] * shape[d];
      idx[d] = 0;
    }
  }
  return out;
}

function sumAll(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function maxAll(a: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v > m || v !== v) m = v;
  }
  return m;
}
