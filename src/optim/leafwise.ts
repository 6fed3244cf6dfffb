/** The elementwise loop every optimizer update is made of. */
import { Tensor } from "../core/tensor.ts";
import { allocF64Uninit } from "../core/kernels/alloc.ts";
import { type Tree, leaves, unflatten } from "../core/tree.ts";

/**
 * For each leaf j, calls kernel(ins, outs, j) with ins = leaf j of every tree in `trees` (all of
 * the same structure) and outs = `nOut` fresh arrays of that leaf's size, which the kernel must
 * fill completely (they are not zeroed: for a large model the memset costs as much as the
 * update); returns the `nOut` output trees, shaped like trees[0]. Inputs are never written.
 */
export function leafwise(
  trees: readonly Tree[],
  nOut: number,
  kernel: (ins: Float64Array[], outs: Float64Array[], leaf: number) => void,
): Tree[] {
  const ls = sameStructure(trees);
  const first = ls[0];
  const outLeaves: Tensor[][] = Array.from({ length: nOut }, () => []);
  eachLeaf(
    ls,
    (j) => {
      const outs = Array.from({ length: nOut }, () => allocF64Uninit(first[j].size));
      outs.forEach((o, k) => outLeaves[k].push(new Tensor(o, first[j].shape)));
      return outs;
    },
    kernel,
  );
  return outLeaves.map((l) => unflatten(trees[0], l));
}

/**
 * The in-place form of `leafwise`: the kernel writes leaf j of each tree of `into` (trees of the
 * same structure, typically some of `trees` themselves). Every update of src/optim is element by
 * element (element i of an output depends on element i of the inputs only), so writing over an
 * input is safe and gives the same numbers as the fresh-array form.
 */
export function leafwiseInto(
  trees: readonly Tree[],
  into: readonly Tree[],
  kernel: (ins: Float64Array[], outs: Float64Array[], leaf: number) => void,
): void {
  const ls = sameStructure([...trees, ...into]);
  const outLeaves = ls.slice(trees.length);
  eachLeaf(ls.slice(0, trees.length), (j) => outLeaves.map((l) => l[j].data), kernel);
}

/** The leaves of each tree, checked to have the same sizes leaf by leaf. */
function sameStructure(trees: readonly Tree[]): Tensor[][] {
  const ls = trees.map(leaves);
  const first = ls[0];
  for (const other of ls) {
    if (other.length !== first.length || other.some((t, j) => t.size !== first[j].size)) {
      throw new Error("optimizer: parameter, gradient and state trees differ in structure");
    }
  }
  return ls;
}

function eachLeaf(
  ls: readonly Tensor[][],
  outsFor: (leaf: number) => Float64Array[],
  kernel: (ins: Float64Array[], outs: Float64Array[], leaf: number) => void,
): void {
  for (let j = 0; j < ls[0].length; j++) {
    kernel(
      ls.map((l) => l[j].data),
      outsFor(j),
      j,
    );
  }
}

export function requireKey<K>(key: K | undefined, optimizer: string): K {
  if (key === undefined) throw new Error(`${optimizer}: this optimizer draws noise and needs ctx.key`);
  return key;
}
