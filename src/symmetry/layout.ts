/**
 * The flat view of a model's param tree that the group actions work on: every coordinate of θ has
 * a global index (leaf offset + row-major index in the leaf, `ravel` order), and the symmetry
 * components are lists of such indices — "row j of fc0.weight and fc0.bias[j]", "columns
 * h·dh…(h+1)·dh of attn.o.weight", … — so one generic implementation serves every family.
 */
import { Tensor, sameShape } from "../core/tensor.ts";
import { InputError } from "../errors.ts";
import { type Tree, namedLeaves, unflatten } from "../core/tree.ts";

export interface Layout {
  readonly template: Tree;
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly offsets: readonly number[];
  /** Total number of scalars. */
  readonly n: number;
}

export function layoutOf(template: Tree): Layout {
  const named = namedLeaves(template);
  const offsets: number[] = [];
  let n = 0;
  for (const [, t] of named) {
    offsets.push(n);
    n += t.size;
  }
  return { template, names: named.map(([k]) => k), shapes: named.map(([, t]) => t.shape), offsets, n };
}

/** θ as one new Float64Array, after checking the tree has the layout's names and shapes. */
export function flatten(layout: Layout, params: Tree, what = "params"): Float64Array {
  const named = namedLeaves(params);
  if (named.length !== layout.names.length)
    throw new InputError(
      `${what}: ${named.length} tensors, expected ${layout.names.length} (${layout.names.slice(0, 4).join(", ")}, …)`,
    );
  const out = new Float64Array(layout.n);
  named.forEach(([name, t], i) => {
    if (name !== layout.names[i])
      throw new InputError(`${what}: tensor ${i} is "${name}", expected "${layout.names[i]}"`);
    if (!sameShape(t.shape, layout.shapes[i]))
      throw new InputError(`${what}: ${name} has shape [${t.shape}], expected [${layout.shapes[i]}]`);
    out.set(t.data, layout.offsets[i]);
  });
  return out;
}

/** A new tree (own storage) with the layout's structure and the values of `vec`. */
export function toTree(layout: Layout, vec: Float64Array): Tree {
  return unflatten(
    layout.template,
    layout.shapes.map((s, i) => {
      const size = s.reduce((a, b) => a * b, 1);
      return new Tensor(vec.slice(layout.offsets[i], layout.offsets[i] + size), s);
    }),
  );
}

function leafIndex(layout: Layout, name: string): number {
  const i = layout.names.indexOf(name);
  if (i < 0) throw new Error(`symmetry layout: no parameter "${name}"`);
  return i;
}

/**
 * Global indices of the elements of leaf `name` whose index along `axis` lies in [start, end), in
 * row-major order. Row j of a [out, in] weight is axisSlice(name, 0, j, j+1); input channel c of a
 * conv weight [out, in, k, k] is axisSlice(name, 1, c, c+1).
 */
export function axisSlice(layout: Layout, name: string, axis: number, start: number, end = start + 1): Int32Array {
  const li = leafIndex(layout, name);
  const shape = layout.shapes[li];
  if (axis >= shape.length || start < 0 || end > shape[axis] || start >= end)
    throw new Error(`symmetry layout: bad slice ${name}[axis ${axis}: ${start}…${end}) of [${shape}]`);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const len = shape[axis];
  const out = new Int32Array(outer * (end - start) * inner);
  let k = 0;
  const base = layout.offsets[li];
  for (let o = 0; o < outer; o++)
    for (let a = start; a < end; a++) for (let i = 0; i < inner; i++) out[k++] = base + (o * len + a) * inner + i;
  return out;
}

/** Every index of leaf `name`. */
export function wholeLeaf(layout: Layout, name: string): Int32Array {
  const li = leafIndex(layout, name);
  const size = layout.shapes[li].reduce((a, b) => a * b, 1);
  return Int32Array.from({ length: size }, (_, i) => layout.offsets[li] + i);
}

export function hasLeaf(layout: Layout, name: string): boolean {
  return layout.names.includes(name);
}

export function concatIdx(...parts: Int32Array[]): Int32Array {
  const out = new Int32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A matrix view into θ: entry (r, c) lives at θ[idx[r·cols + c]]. `rowsOf` views rows r0…r1−1 of a
 * 2-D leaf as they are; `colsOf` views columns c0…c1−1 transposed (column c0 + r becomes row r).
 */
export interface MatView {
  rows: number;
  cols: number;
  idx: Int32Array;
}

export function rowsOf(layout: Layout, name: string, r0: number, r1: number): MatView {
  const shape = layout.shapes[leafIndex(layout, name)];
  return { rows: r1 - r0, cols: shape[1], idx: axisSlice(layout, name, 0, r0, r1) };
}

export function colsOf(layout: Layout, name: string, c0: number, c1: number): MatView {
  const li = leafIndex(layout, name);
  const [R, C] = layout.shapes[li];
  const rows = c1 - c0;
  const idx = new Int32Array(rows * R);
  for (let r = 0; r < rows; r++) for (let c = 0; c < R; c++) idx[r * R + c] = layout.offsets[li] + c * C + c0 + r;
  return { rows, cols: R, idx };
}

/** The matrix a view points at, read from θ (row-major rows×cols). */
export function readMat(theta: Float64Array, v: MatView): Float64Array {
  return Float64Array.from(v.idx, (i) => theta[i]);
}

export function writeMat(theta: Float64Array, v: MatView, values: ArrayLike<number>): void {
  for (let k = 0; k < v.idx.length; k++) theta[v.idx[k]] = values[k];
}
