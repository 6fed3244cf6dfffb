/**
 * Element-wise loops. Binary ops broadcast numpy-style with fast paths for the cases that dominate
 * in practice: equal shapes, a scalar operand, and a trailing-suffix operand (bias adds).
 */
import { type Shape, shapeSize, sameShape } from "../tensor.ts";
import { broadcastStrides } from "../shape.ts";

export type BinaryFn = (x: number, y: number) => number;
export type UnaryFn = (x: number) => number;

export function mapUnary(a: Float64Array, f: UnaryFn): Float64Array {
  const n = a.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(a[i]);
  return out;
}

/** Applies f over the broadcast of (a, aShape) and (b, bShape) into a new array of `outShape`. */
export function mapBinary(
  a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, outShape: Shape, f: BinaryFn,
): Float64Array {
  const n = shapeSize(outShape);
  const out = new Float64Array(n);
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    return out;
  }
  if (b.length === 1 && a.length === n) {
    const y = b[0];
    for (let i = 0; i < n; i++) out[i] = f(a[i], y);
    return out;
  }
  if (a.length === 1 && b.length === n) {
    const x = a[0];
    for (let i = 0; i < n; i++) out[i] = f(x, b[i]);
    return out;
  }
  if (a.length === n && isTrailingSuffix(bShape, outShape)) {
    const m = b.length;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(a[i + j], b[j]);
    return out;
  }
  if (b.length === n && isTrailingSuffix(aShape, outShape)) {
    const m = a.length;
    for (let i = 0; i < n; i += m) for (let j = 0; j < m; j++) out[i + j] = f(a[j], b[i + j]);
    return out;
  }
  generalBroadcast(a, aShape, b, bShape, outShape, out, f);
  return out;
}

/** True when `shape` (leading 1s ignored) equals the trailing axes of `outShape`. */
function isTrailingSuffix(shape: Shape, outShape: Shape): boolean {
  let s = 0;
  while (s < shape.length && shape[s] === 1) s++;
  const k = shape.length - s;
  if (k === 0) return false;
  return sameShape(shape.slice(s), outShape.slice(outShape.length - k));
}

function generalBroadcast(
  a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, outShape: Shape, out: Float64Array, f: BinaryFn,
): void {
  const nd = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const idx = new Array<number>(nd).fill(0);
  const inner = nd === 0 ? 1 : outShape[nd - 1];
  const ia0 = nd === 0 ? 0 : sa[nd - 1];
  const ib0 = nd === 0 ? 0 : sb[nd - 1];
  let oa = 0;
  let ob = 0;
  const n = out.length;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = f(a[oa + j * ia0], b[ob + j * ib0]);
    // Advance the odometer over the outer axes.
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      oa += sa[d];
      ob += sb[d];
      if (idx[d] < outShape[d]) break;
      oa -= sa[d] * outShape[d];
      ob -= sb[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/** Materialises `a` broadcast to `outShape`. */
export function broadcastData(a: Float64Array, aShape: Shape, outShape: Shape): Float64Array {
  const zero = new Float64Array(1);
  return mapBinary(a, aShape, zero, [], outShape, (x) => x);
}
