/**
 * Symmetry group of the mean-field net f(x) = (1/m) Σ_j a_j σ(w_j·x + b_j) (docs/theory.md §d.5):
 * particles are exchangeable (the loss is a function of the empirical measure μ = (1/m) Σ δ_θj), and
 * with a homogeneous σ each particle has the rescaling (w_j, b_j) ↦ α(w_j, b_j), a_j ↦ a_j/α.
 * Quotient coordinates: the particles (or, with rescaling, the products a_j·(w_j, b_j)) as a sorted
 * list — the empirical measure of the effective particles.
 */
import type { MeanfieldConfig } from "../nn/config.ts";
import { type Layout, axisSlice, concatIdx, hasLeaf } from "./layout.ts";
import type { Component, GroupSpec, NamedInvariant } from "./types.ts";
import { isHomogeneous, activationNote } from "./homogeneous.ts";
import { unitComponents } from "./mlp.ts";

export function meanfieldGroup(cfg: MeanfieldConfig, layout: Layout): GroupSpec {
  const rescale = isHomogeneous(cfg.activation);
  const units = Array.from({ length: cfg.width }, (_, j) => ({
    in: hasLeaf(layout, "b")
      ? concatIdx(axisSlice(layout, "w", 0, j), axisSlice(layout, "b", 0, j))
      : axisSlice(layout, "w", 0, j),
    out: axisSlice(layout, "a", 0, j),
  }));
  const components: Component[] = unitComponents("particles", "particle", units, rescale);
  return {
    name: `meanfield[${cfg.activation}]: ${rescale ? "per-particle rescaling × " : ""}exchangeability of ${cfg.width} particles`,
    description: `${activationNote(cfg.activation)}. The quotient by permutations is the empirical measure of the particles.`,
    components,
    // Without rescaling the particles themselves are the quotient coordinates (sorted canonically).
    coveredLeaves: rescale ? [] : ["w", "b", "a"],
    extraInvariants: rescale
      ? undefined
      : (theta): NamedInvariant[] => {
          const len = units[0].in.length + 1;
          const data = new Float64Array(cfg.width * len);
          units.forEach((u, j) => {
            u.in.forEach((i, k) => {
              data[j * len + k] = theta[i];
            });
            data[j * len + len - 1] = theta[u.out[0]];
          });
          return [{ name: "particles", shape: [cfg.width, len], data, permutedBy: "particles.perm" }];
        },
  };
}
