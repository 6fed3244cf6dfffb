/**
 * Convolutional net (docs/file-formats.md §cnn): conv{i}.weight [out, in, k, k] / conv{i}.bias [out], each
 * conv (stride 1, zero padding) followed by σ and optional max-pooling; flatten in (C, H, W)
 * order; then fc{j} layers with σ between them and none after the last.
 */
import type { Tensor } from "../core/tensor.ts";
import { conv2d, maxPool2d, linear, reshape, activation } from "../core/ops/index.ts";
import { type Key, split } from "../core/random.ts";
import type { CnnConfig } from "./config.ts";
import { fanInUniform } from "./init.ts";
import type { Linear } from "./mlp.ts";

export type CnnParams = Record<string, Linear>;

/** Channels, height and width after the conv stack. */
export function convOutput(cfg: CnnConfig): [number, number, number] {
  let [c, h, w] = cfg.input;
  for (const l of cfg.conv) {
    c = l.out;
    h = h + 2 * l.padding - l.kernel + 1;
    w = w + 2 * l.padding - l.kernel + 1;
    if (l.pool) {
      h = Math.floor(h / l.pool);
      w = Math.floor(w / l.pool);
    }
  }
  return [c, h, w];
}

export function init(k: Key, cfg: CnnConfig): CnnParams {
  const keys = split(k, 2 * (cfg.conv.length + cfg.fc.length));
  const p: CnnParams = {};
  let cin = cfg.input[0];
  cfg.conv.forEach((l, i) => {
    const fanIn = cin * l.kernel * l.kernel;
    p[`conv${i}`] = {
      weight: fanInUniform(keys[2 * i], [l.out, cin, l.kernel, l.kernel], fanIn),
      bias: fanInUniform(keys[2 * i + 1], [l.out], fanIn),
    };
    cin = l.out;
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
