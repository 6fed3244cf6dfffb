/**
 * Multilayer perceptron (docs/file-formats.md §mlp): params fc{i}.weight [d(i+1), d(i)], fc{i}.bias
 * [d(i+1)]; h ← σ(h Wᵢᵀ + bᵢ) for hidden layers, no activation on the output.
 *
 * Symmetry (docs/theory.md §d.1): per hidden layer l, neuron j with in = (fc{l}.weight[j, :],
 * fc{l}.bias[j]) and out = fc{l+1}.weight[:, j] — positive rescaling (homogeneous activations
 * only) and permutations. Output units have no symmetry.
 */
import { z } from "zod";
import type { Tensor } from "../../core/tensor.ts";
import { linear, activation } from "../../core/ops/index.ts";
import { type Key, split } from "../../core/random.ts";
import type { Layout } from "../../symmetry/layout.ts";
import type { Component, GroupSpec } from "../../symmetry/types.ts";
import { isHomogeneous, activationNote } from "../../symmetry/homogeneous.ts";
import { denseUnits, unitComponents } from "../../symmetry/units.ts";
import { activationName, size } from "../config.ts";
import { defineFamily } from "../family.ts";
import { fanInUniform } from "../init.ts";

export const mlpConfig = z.strictObject({
  arch: z.literal("mlp").describe("a multilayer perceptron: layers fc0 … fc(L−1), torch.nn.Linear names"),
  sizes: z.array(size).min(2).describe("layer widths [d0 (inputs), …, dL (outputs)]"),
  activation: activationName.default("relu").describe("σ between layers, none after the last"),
  bias: z.boolean().default(true).describe("whether every layer has a bias"),
});
export type MlpConfig = z.infer<typeof mlpConfig>;

/** A dense layer's params (torch.nn.Linear); `bias` is absent in a layer without bias. */
export type Linear = { weight: Tensor; bias?: Tensor };
export type MlpParams = Record<string, Linear>;

export function init(k: Key, cfg: MlpConfig): MlpParams {
  const p: MlpParams = {};
  const keys = split(k, 2 * (cfg.sizes.length - 1));
  for (let i = 0; i + 1 < cfg.sizes.length; i++) {
    const fin = cfg.sizes[i];
    const fout = cfg.sizes[i + 1];
    p[`fc${i}`] = cfg.bias
      ? { weight: fanInUniform(keys[2 * i], [fout, fin], fin), bias: fanInUniform(keys[2 * i + 1], [fout], fin) }
      : { weight: fanInUniform(keys[2 * i], [fout, fin], fin) };
  }
  return p;
}

/** "fc0", "fc1", … built once (a template string per layer per call shows in small-network profiles). */
const LAYER_NAMES: string[] = [];
function layerName(i: number): string {
  while (LAYER_NAMES.length <= i) LAYER_NAMES.push(`fc${LAYER_NAMES.length}`);
  return LAYER_NAMES[i];
}

/** x [N, d0] → [N, dL]. */
export function apply(params: MlpParams, x: Tensor, cfg: MlpConfig): Tensor {
  const act = activation(cfg.activation);
  const L = cfg.sizes.length - 1;
  let h = x;
  for (let i = 0; i < L; i++) {
    const { weight, bias } = params[layerName(i)];
    h = linear(h, weight, bias);
    if (i < L - 1) h = act(h);
  }
  return h;
}

export function group(cfg: MlpConfig, layout: Layout): GroupSpec {
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

export const mlp = defineFamily({
  arch: "mlp",
  summary: "multilayer perceptron: dense layers with an activation between them",
  schema: mlpConfig,
  init,
  apply,
  inputShapes: (cfg) => [[cfg.sizes[0]]],
  outputShape: (cfg) => [cfg.sizes[cfg.sizes.length - 1]],
  parameterTerms: (cfg) => [
    ["sizes", cfg.sizes.slice(1).reduce((s, out, i) => s + out * cfg.sizes[i] + (cfg.bias ? out : 0), 0)],
  ],
  activationTerms: (cfg) => [["sizes", cfg.sizes.reduce((s, n) => s + n, 0)]],
  group,
  example: {
    config: { arch: "mlp", sizes: [3, 4, 2], activation: "relu" },
    loss: "mse",
    stateDict: ["fc0.weight:4x3", "fc0.bias:4", "fc1.weight:2x4", "fc1.bias:2"],
  },
});
