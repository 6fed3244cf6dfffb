/**
 * Axis permutation (a transposing copy). Output axes that stay adjacent and in order in the input
 * are merged first, so e.g. [N, T, H, d] → [N, H, T, d] becomes a copy of contiguous d-runs over a
 * three-level loop; the innermost run is copied with unit stride whenever it is contiguous in the
 * input too.
 */
import { type Shape, stridesOf } from "../tensor.ts";
import { allocF64Uninit } from "./alloc.ts";
import { Odometer } from "./odometer.ts";

export function permuteData(src: Float64Array, shape: Shape, perm: readonly number[]): Float64Array {
  const n = src.length;
  const out = allocF64Uninit(n);
  if (n === 0) return out;
  const inStrides = stridesOf(shape);
  // Merged output axes (outer first): size and input stride.
  const size: number[] = [];
  const st: number[] = [];
  for (let i = 0; i < perm.length; i++) {
    const d = shape[perm[i]];
    if (d === 1) continue;
    const s = inStrides[perm[i]];
    const k = size.length - 1;
    if (k >= 0 && st[k] === s * d) {
      size[k] *= d;
      st[k] = s;
    } else {
      size.push(d);
      st.push(s);
    }
  }
  const nd = size.length;
  if (nd === 0) {
    out[0] = src[0];
    return out;
  }
  if (nd === 1) {
    // Only a contiguous run remains (a permutation of size-1 axes).
    out.set(src.subarray(0, n));
    return out;
  }
  const inner = size[nd - 1],
    is = st[nd - 1];
  const rows = size[nd - 2],
    rs = st[nd - 2];
  const outer = n / (inner * rows);
  const w = new Odometer(size, st, undefined, nd - 2);
  let o = 0;
  for (let q = 0; q < outer; q++, w.next()) {
    let r0 = w.a;
    if (is === 1) {
      for (let r = 0; r < rows; r++, r0 += rs) for (let j = 0; j < inner; j++) out[o++] = src[r0 + j];
    } else {
      for (let r = 0; r < rows; r++, r0 += rs) for (let j = 0; j < inner; j++) out[o++] = src[r0 + j * is];
    }
  }
  return out;
}
