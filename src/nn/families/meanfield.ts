/**
 * Mean-field two-layer network (docs/file-formats.md §meanfield): f(x) = (1/m) Σⱼ aⱼ σ(wⱼ·x + bⱼ),
 * params w [m, d], b [m], a [m]; a batch [N, d] gives outputs [N]. Initial particles
 * θⱼ = (wⱼ, bⱼ, aⱼ) are i.i.d.: w ~ N(0, I/d), b ~ N(0, 1/d), a ~ N(0, 1).
 *
 * Symmetry (docs/theory.md §d.5): particles are exchangeable (the loss is a function of the
 * empirical measure μ = (1/m) Σ δ_θj), and with a homogeneous σ each particle has the rescaling
 * (w_j, b_j) ↦ α(w_j, b_j), a_j ↦ a_j/α. Quotient coordinates: the particles (or, with rescaling,
 * the products a_j·(w_j, b_j)) as a sorted list — the empirical measure of the effective particles.
 */
import { z } from "zod";
import type { Tensor } from "../../core/tensor.ts";
import * as F from "../../core/ops/index.ts";
import { type Key, split } from "../../core/random.ts";
import { type Layout, axisSlice, concatIdx, hasLeaf } from "../../symmetry/layout.ts";
import type { Component, GroupSpec, NamedInvariant } from "../../symmetry/types.ts";
import { isHomogeneous, activationNote } from "../../symmetry/homogeneous.ts";
import { unitComponents } from "../../symmetry/units.ts";
import { activationName, size } from "../config.ts";
import { defineFamily } from "../family.ts";
import { gaussian } from "../init.ts";

export const meanfieldConfig = z.strictObject({
  arch: z.literal("meanfield").describe("a two-layer net in mean-field scaling f(x) = (1/m) Σ aⱼ σ(wⱼ·x + bⱼ)"),
  input: size.describe("input dimension d"),
  width: size.describe("hidden units m"),
  activation: activationName.default("relu").describe("σ of the hidden units"),
  bias: z.boolean().default(true).describe("whether the hidden units have biases b"),
});
export type MeanfieldConfig = z.infer<typeof meanfieldConfig>;

export type MeanfieldParams = { w: Tensor; b?: Tensor; a: Tensor };

export function init(k: Key, cfg: MeanfieldConfig): MeanfieldParams {
  const [kw, kb, ka] = split(k, 3);
  const { input: d, width: m } = cfg;
  const w = gaussian(kw, [m, d], 1 / Math.sqrt(d));
  const a = gaussian(ka, [m]);
  return cfg.bias ? { w, b: gaussian(kb, [m], 1 / Math.sqrt(d)), a } : { w, a };
}

/** x [N, d] → [N]. */
export function apply(params: MeanfieldParams, x: Tensor, cfg: MeanfieldConfig): Tensor {
  const act = F.activation(cfg.activation);
  const h = act(F.linear(x, params.w, params.b)); // [N, m]
  return F.div(F.matmul(h, params.a), cfg.width);
}

export function group(cfg: MeanfieldConfig, layout: Layout): GroupSpec {
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

export const meanfield = defineFamily({
  arch: "meanfield",
  summary: "mean-field two-layer net: the average of m particles aⱼ σ(wⱼ·x + bⱼ)",
  schema: meanfieldConfig,
  init,
  apply,
  inputShapes: (cfg) => [[cfg.input]],
  outputShape: () => [],
  parameterTerms: (cfg) => [["width", cfg.width * (cfg.input + (cfg.bias ? 2 : 1))]],
  activationTerms: (cfg) => [["width", cfg.input + 2 * cfg.width]],
  group,
  example: {
    config: { arch: "meanfield", input: 3, width: 5, activation: "relu" },
    loss: "mse",
    stateDict: ["w:5x3", "b:5", "a:5"],
  },
});
