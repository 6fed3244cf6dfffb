/**
 * Mean-field two-layer network (docs/file-formats.md §meanfield): f(x) = (1/m) Σⱼ aⱼ σ(wⱼ·x + bⱼ), params
 * w [m, d], b [m], a [m]; a batch [N, d] gives outputs [N].
 * Initial particles θⱼ = (wⱼ, bⱼ, aⱼ) are i.i.d.: w ~ N(0, I/d), b ~ N(0, 1/d), a ~ N(0, 1).
 */
import type { Tensor } from "../core/tensor.ts";
import * as F from "../core/ops/index.ts";
import { type Key, split } from "../core/random.ts";
import type { MeanfieldConfig } from "./config.ts";
import { gaussian } from "./init.ts";

export interface MeanfieldParams {
  w: Tensor;
  b?: Tensor;
  a: Tensor;
}

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
