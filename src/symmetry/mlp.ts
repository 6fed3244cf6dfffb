/**
 * Symmetry group of the MLP (docs/file-formats.md §mlp; docs/theory.md §d.1): per hidden layer l, neuron j with
 * in = (fc{l}.weight[j, :], fc{l}.bias[j]) and out = fc{l+1}.weight[:, j] — positive rescaling
 * (homogeneous activations only) and permutations. Output units have no symmetry.
 */
import type { MlpConfig } from "../nn/config.ts";
import { type Layout, axisSlice, concatIdx, hasLeaf } from "./layout.ts";
import type { Component, GroupSpec, ScaleUnit } from "./types.ts";
import { isHomogeneous, activationNote } from "./homogeneous.ts";

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

/** A scale component and/or a perm component over the same units. */
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

export function mlpGroup(cfg: MlpConfig, layout: Layout): GroupSpec {
  const L = cfg.sizes.length - 1;
  const rescale = isHomogeneous(cfg.activation);
  const components: Component[] = [];
  for (let l = 0; l + 1 < L; l++) {
    const units = denseUnits(layout, `fc${l}.weight`, `fc${l}.bias`, `fc${l + 1}.weight`, cfg.sizes[l + 1]);
    components.push(...unitComponents(`fc${l}`, "hidden neuron", units, rescale));
  }
  const kinds = rescale ? "positive rescaling × permutation" : "permutation";
  return {
    name: `mlp[${cfg.activation}]: ${kinds} of the hidden neurons of ${Math.max(L - 1, 0)} layer(s)`,
    description:
      `${activationNote(cfg.activation)}.` +
      (cfg.activation === "identity"
        ? " A linear net has the larger symmetry GL(n) per hidden layer (docs/theory.md §d.1); " +
          "only its rescaling × permutation subgroup is quotiented here."
        : cfg.activation === "tanh"
          ? " tanh is odd, so the sign flips (w, b, a) ↦ −(w, b, a) are a further discrete symmetry, " +
            "not quotiented (they leave every norm unchanged)."
          : ""),
    components,
  };
}
