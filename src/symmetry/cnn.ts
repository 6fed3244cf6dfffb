/**
 * Symmetry group of the CNN (docs/theory.md §d.2): per output channel c of conv i, in = (filter
 * conv{i}.weight[c], bias[c]) and out = the next layer's input slice — conv{i+1}.weight[:, c], or,
 * across the conv→linear interface, the columns c·H·W…(c+1)·H·W of fc0.weight that read channel c
 * of the flattened (C, H, W) map. Positive rescaling survives relu/leaky-relu/identity and
 * max-pooling (max(αz) = α max z for α > 0); permutations survive any activation. Hidden fc
 * neurons as in the MLP.
 */
import type { CnnConfig } from "../nn/config.ts";
import { convOutput } from "../nn/cnn.ts";
import { type Layout, axisSlice, concatIdx } from "./layout.ts";
import type { Component, GroupSpec, ScaleUnit } from "./types.ts";
import { isHomogeneous, activationNote } from "./homogeneous.ts";
import { denseUnits, unitComponents } from "./mlp.ts";

export function cnnGroup(cfg: CnnConfig, layout: Layout): GroupSpec {
  const rescale = isHomogeneous(cfg.activation);
  const [, H, W] = convOutput(cfg);
  const components: Component[] = [];
  cfg.conv.forEach((conv, i) => {
    const last = i + 1 === cfg.conv.length;
    const units: ScaleUnit[] = Array.from({ length: conv.out }, (_, c) => ({
      in: concatIdx(axisSlice(layout, `conv${i}.weight`, 0, c), axisSlice(layout, `conv${i}.bias`, 0, c)),
      out: last
        ? axisSlice(layout, "fc0.weight", 1, c * H * W, (c + 1) * H * W)
        : axisSlice(layout, `conv${i + 1}.weight`, 1, c),
    }));
    components.push(...unitComponents(`conv${i}`, "channel", units, rescale));
  });
  for (let j = 0; j + 1 < cfg.fc.length; j++) {
    components.push(
      ...unitComponents(
        `fc${j}`,
        "hidden neuron",
        denseUnits(layout, `fc${j}.weight`, `fc${j}.bias`, `fc${j + 1}.weight`, cfg.fc[j]),
        rescale,
      ),
    );
  }
  return {
    name: `cnn[${cfg.activation}]: ${rescale ? "positive rescaling × permutation" : "permutation"} of channels and hidden neurons`,
    description: `${activationNote(cfg.activation)}; max-pooling commutes with positive scalings and with channel permutations.`,
    components,
  };
}
