/**
 * Multilayer perceptron (docs/file-formats.md §mlp): params fc{i}.weight [d(i+1), d(i)], fc{i}.bias [d(i+1)];
 * h ← σ(h Wᵢᵀ + bᵢ) for hidden layers, no activation on the output.
 */
import type { Tensor } from "../core/tensor.ts";
import { linear, activation } from "../core/ops/index.ts";
import { type Key, split } from "../core/random.ts";
import type { MlpConfig } from "./config.ts";
import { fanInUniform } from "./init.ts";

export interface Linear {
  weight: Tensor;
  bias?: Tensor;
}
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
