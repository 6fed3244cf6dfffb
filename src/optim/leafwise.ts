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
  const ls = trees.map(leaves);
  const first = ls[0];
  for (const other of ls) {
    if (other.length !== first.length || other.some((t, j) => t.size !== first[j].size)) {
      throw new Error("optimizer: parameter, gradient and state trees differ in structure");
    }
  }
  const outLeaves: Tensor[][] = Array.from({ length: nOut }, () => []);
  for (let j = 0; j < first.length; j++) {
    const outs = Array.from({ length: nOut }, () => allocF64Uninit(first[j].size));
    kernel(
      ls.map((l) => l[j].data),
      outs,
      j,
    );
    outs.forEach((o, k) => outLeaves[k].push(new Tensor(o, first[j].shape)));
  }
  return outLeaves.map((l) => unflatten(trees[0], l));
}

export function requireKey<K>(key: K | undefined, optimizer: string): K {
  if (key === undefined) throw new Error(`${optimizer}: this optimizer draws noise and needs ctx.key`);
  return key;
}
