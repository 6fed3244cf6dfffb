/** Shape rules shared by the ops: numpy broadcasting, reduction axes, permutations. */
import { type Shape, stridesOf, normAxis } from "./tensor.ts";

/** numpy/torch broadcasting of two shapes (aligned at the trailing axis). */
export function broadcastShapes(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`shapes [${a}] and [${b}] cannot be broadcast together`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` viewed inside the broadcast `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const nd = outShape.length;
  const off = nd - shape.length;
  const st = stridesOf(shape);
  const r = new Array<number>(nd).fill(0);
  for (let i = 0; i < shape.length; i++) r[i + off] = shape[i] === 1 ? 0 : st[i];
  return r;
}

/** Sorted, de-duplicated, non-negative axes; `undefined` means all axes. */
export function normAxes(axes: number | readonly number[] | undefined, ndim: number): number[] {
  // The two common forms without the Set and sort below (sum() of a loss runs this per step).
  if (axes === undefined) {
    const all = new Array<number>(ndim);
    for (let i = 0; i < ndim; i++) all[i] = i;
    return all;
  }
  if (typeof axes === "number") return [normAxis(axes, ndim)];
  const list = axes;
  const set = new Set(list.map((a) => normAxis(a, ndim)));
  return [...set].sort((x, y) => x - y);
}

/** Shape after reducing `axes` (kept as size-1 axes when `keepdims`). */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

export function invertPermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export function checkPermutation(perm: readonly number[], ndim: number): number[] {
  if (perm.length !== ndim) throw new Error(`permutation [${perm}] does not match a ${ndim}-d tensor`);
  const p = perm.map((a) => normAxis(a, ndim));
  if (new Set(p).size !== ndim) throw new Error(`[${perm}] is not a permutation`);
  return p;
}
