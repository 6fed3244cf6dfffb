/**
 * Building blocks the model families compose their groups from: the hidden units of a dense
 * layer (in = row j of the weight and bias j, out = column j of the next weight) and the scale
 * and permutation components over a list of units.
 */
import { type Layout, axisSlice, concatIdx, hasLeaf } from "./layout.ts";
import type { Component, ScaleUnit } from "./types.ts";

/** Hidden units of the layer whose weights are `inW` [n, ·] (bias `inB`) and which feed the columns of `outW`. */
export function denseUnits(layout: Layout, inW: string, inB: string | undefined, outW: string, n: number): ScaleUnit[] {
  return Array.from({ length: n }, (_, j) => ({
    in:
      inB && hasLeaf(layout, inB)
        ? concatIdx(axisSlice(layout, inW, 0, j), axisSlice(layout, inB, 0, j))
        : axisSlice(layout, inW, 0, j),
    out: axisSlice(layout, outW, 1, j),
  }));
}

/** A scale component (when `rescale`) and a perm component over the same units. */
export function unitComponents(name: string, what: string, units: ScaleUnit[], rescale: boolean): Component[] {
  const comps: Component[] = [];
  if (rescale)
    comps.push({
      kind: "scale",
      name: `${name}.scale`,
      description: `positive rescaling of each ${what}: in ×α, out ×1/α`,
      units,
      permutedBy: `${name}.perm`,
    });
  comps.push({
    kind: "perm",
    name: `${name}.perm`,
    description: `permutations of the ${units.length} ${what}s`,
    units: units.map((u) => concatIdx(u.in, u.out)),
  });
  return comps;
}
