/**
 * Convolutional net (docs/file-formats.md §cnn): conv{i}.weight [out, in, k, k] / conv{i}.bias
 * [out], each conv (stride 1, zero padding) followed by σ and optional max-pooling; flatten in
 * (C, H, W) order; then fc{j} layers with σ between them and none after the last.
 *
 * Symmetry (docs/theory.md §d.2): per output channel c of conv i, in = (filter conv{i}.weight[c],
 * bias[c]) and out = the next layer's input slice — conv{i+1}.weight[:, c], or, across the
 * conv→linear interface, the columns c·H·W…(c+1)·H·W of fc0.weight that read channel c of the
 * flattened (C, H, W) map. Positive rescaling survives relu/leaky-relu/identity and max-pooling
 * (max(αz) = α max z for α > 0); permutations survive any activation. Hidden fc neurons as in the
 * MLP.
 */
import { z } from "zod";
import { shapeSize, type Tensor } from "../../core/tensor.ts";
import { conv2d, maxPool2d, linear, reshape, activation } from "../../core/ops/index.ts";
import { type Key, split } from "../../core/random.ts";
import { InputError } from "../../errors.ts";
import { type Layout, axisSlice, concatIdx } from "../../symmetry/layout.ts";
import type { Component, GroupSpec, ScaleUnit } from "../../symmetry/types.ts";
import { isHomogeneous, activationNote } from "../../symmetry/homogeneous.ts";
import { denseUnits, unitComponents } from "../../symmetry/units.ts";
import { activationName, MAX_DIMENSION, size } from "../config.ts";
import { defineFamily } from "../family.ts";
import type { Terms } from "../size.ts";
import { fanInUniform } from "../init.ts";
import type { Linear } from "./mlp.ts";

export const cnnConfig = z.strictObject({
  arch: z.literal("cnn").describe("a convolutional net: conv layers, then fully connected layers"),
  input: z.tuple([size, size, size]).describe("input shape [C, H, W] of one sample"),
  conv: z
    .array(
      z.strictObject({
        out: size.describe("output channels"),
        kernel: size.describe("square kernel size k (stride 1)"),
        padding: z.number().int().nonnegative().max(MAX_DIMENSION).default(0).describe("zero padding on every side"),
        pool: size.optional().describe("max-pool window and stride after σ (none when absent)"),
      }),
    )
    .min(1)
    .describe("conv layers conv0, conv1, … in order"),
  fc: z.array(size).min(1).describe("widths of the fully connected layers after flattening; the last is the output"),
  activation: activationName.default("relu").describe("σ after every conv and between fc layers"),
});
export type CnnConfig = z.infer<typeof cnnConfig>;
export type CnnParams = Record<string, Linear>;

/** One conv layer's shapes: its input channels, the map after the conv (h, w) and after its pooling (ph, pw). */
interface ConvShape {
  cin: number;
  h: number;
  w: number;
  ph: number;
  pw: number;
}

/** The shapes through the conv stack: h' = h + 2·padding − kernel + 1 (stride 1), then ⌊h'/pool⌋. */
function convShapes(cfg: CnnConfig): ConvShape[] {
  let [cin, ph, pw] = cfg.input;
  return cfg.conv.map((l) => {
    const h = ph + 2 * l.padding - l.kernel + 1;
    const w = pw + 2 * l.padding - l.kernel + 1;
    const shape = { cin, h, w, ph: l.pool ? Math.floor(h / l.pool) : h, pw: l.pool ? Math.floor(w / l.pool) : w };
    [cin, ph, pw] = [l.out, shape.ph, shape.pw];
    return shape;
  });
}

/** Channels, height and width after the conv stack. */
export function convOutput(cfg: CnnConfig): [number, number, number] {
  const last = convShapes(cfg)[cfg.conv.length - 1];
  return [cfg.conv[cfg.conv.length - 1].out, last.ph, last.pw];
}

/** Every kernel fits its (padded) input and every pooling window its feature map. */
function check(cfg: CnnConfig, where: string): void {
  convShapes(cfg).forEach((s, i) => {
    const c = cfg.conv[i];
    if (s.h < 1 || s.w < 1)
      throw new InputError(
        `${where}: conv.${i}: kernel ${c.kernel} does not fit the ${s.h + c.kernel - 1 - 2 * c.padding}-pixel input`,
      );
    if (c.pool && (s.ph < 1 || s.pw < 1))
      throw new InputError(`${where}: conv.${i}.pool: window ${c.pool} is larger than the feature map`);
  });
}

/** Parameters: each conv's kernel and bias, then the dense layers from the flattened feature map. */
function parameterTerms(cfg: CnnConfig): Terms {
  const shapes = convShapes(cfg);
  const conv = cfg.conv.reduce((n, l, i) => n + l.out * shapes[i].cin * l.kernel * l.kernel + l.out, 0);
  const [c, h, w] = convOutput(cfg);
  const sizes = [c * h * w, ...cfg.fc];
  const fc = sizes.slice(1).reduce((n, out, i) => n + out * sizes[i] + out, 0);
  return [
    ["conv", conv],
    ["fc", fc],
  ];
}

/** Per sample: the input, each conv's pre- and post-activation maps and its pooled map, each dense layer's two. */
function activationTerms(cfg: CnnConfig): Terms {
  const shapes = convShapes(cfg);
  const conv = cfg.conv.reduce(
    (n, l, i) => n + 2 * l.out * shapes[i].h * shapes[i].w + (l.pool ? l.out * shapes[i].ph * shapes[i].pw : 0),
    shapeSize(cfg.input),
  );
  return [
    ["input, conv", conv],
    ["fc", cfg.fc.reduce((n, m) => n + 2 * m, 0)],
  ];
}

export function init(k: Key, cfg: CnnConfig): CnnParams {
  const keys = split(k, 2 * (cfg.conv.length + cfg.fc.length));
  const p: CnnParams = {};
  const shapes = convShapes(cfg);
  cfg.conv.forEach((l, i) => {
    const { cin } = shapes[i];
    const fanIn = cin * l.kernel * l.kernel;
    p[`conv${i}`] = {
      weight: fanInUniform(keys[2 * i], [l.out, cin, l.kernel, l.kernel], fanIn),
      bias: fanInUniform(keys[2 * i + 1], [l.out], fanIn),
    };
  });
  const [c, h, w] = convOutput(cfg);
  let fin = c * h * w;
  cfg.fc.forEach((fout, j) => {
    const o = 2 * (cfg.conv.length + j);
    p[`fc${j}`] = { weight: fanInUniform(keys[o], [fout, fin], fin), bias: fanInUniform(keys[o + 1], [fout], fin) };
    fin = fout;
  });
  return p;
}

/** x [N, C, H, W] (or [N, C·H·W], reshaped) → [N, fc_last]. */
export function apply(params: CnnParams, x: Tensor, cfg: CnnConfig): Tensor {
  const act = activation(cfg.activation);
  const [C, H, W] = cfg.input;
  let h = x.ndim === 4 ? x : reshape(x, [x.shape[0], C, H, W]);
  cfg.conv.forEach((l, i) => {
    const { weight, bias } = params[`conv${i}`];
    h = act(conv2d(h, weight, bias, l.padding));
    if (l.pool) h = maxPool2d(h, l.pool);
  });
  h = reshape(h, [h.shape[0], -1]);
  cfg.fc.forEach((_, j) => {
    const { weight, bias } = params[`fc${j}`];
    h = linear(h, weight, bias);
    if (j < cfg.fc.length - 1) h = act(h);
  });
  return h;
}

export function group(cfg: CnnConfig, layout: Layout): GroupSpec {
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

export const cnn = defineFamily({
  arch: "cnn",
  summary: "convolutional net: conv (+ max-pool) layers, flatten, dense layers",
  schema: cnnConfig,
  check,
  init,
  apply,
  inputShapes: (cfg) => [[...cfg.input], [shapeSize(cfg.input)]],
  outputShape: (cfg) => [cfg.fc[cfg.fc.length - 1]],
  parameterTerms,
  activationTerms,
  group,
  example: {
    config: { arch: "cnn", input: [1, 6, 6], conv: [{ out: 2, kernel: 3, pool: 2 }], fc: [5, 3] },
    loss: "xent",
    stateDict: ["conv0.weight:2x1x3x3", "conv0.bias:2", "fc0.weight:5x8", "fc0.bias:5", "fc1.weight:3x5", "fc1.bias:3"],
  },
});
