/**
 * The four model families behind one interface: `modelOf(cfg)` gives pure `init(key)` and
 * `apply(params, x)` functions over param trees named as torch's state_dict.
 */
import type { Tensor } from "../core/tensor.ts";
import type { Key } from "../core/random.ts";
import type { Tree } from "../core/tree.ts";
import type { ModelConfig } from "./config.ts";
import * as mlp from "./mlp.ts";
import * as cnn from "./cnn.ts";
import * as transformer from "./transformer.ts";
import * as meanfield from "./meanfield.ts";

export { mlp, cnn, transformer, meanfield };
export * from "./config.ts";
export * from "./losses.ts";

export interface Model<C extends ModelConfig = ModelConfig> {
  readonly config: C;
  init(key: Key): Tree;
  apply(params: Tree, x: Tensor): Tensor;
}

export function modelOf(cfg: ModelConfig): Model {
  switch (cfg.arch) {
    case "mlp":
      return {
        config: cfg,
        init: (k) => mlp.init(k, cfg) as unknown as Tree,
        apply: (p, x) => mlp.apply(p as unknown as mlp.MlpParams, x, cfg),
      };
    case "cnn":
      return {
        config: cfg,
        init: (k) => cnn.init(k, cfg) as unknown as Tree,
        apply: (p, x) => cnn.apply(p as unknown as cnn.CnnParams, x, cfg),
      };
    case "transformer":
      return {
        config: cfg,
        init: (k) => transformer.init(k, cfg) as unknown as Tree,
        apply: (p, x) => transformer.apply(p as unknown as transformer.TransformerParams, x, cfg),
      };
    case "meanfield":
      return {
        config: cfg,
        init: (k) => meanfield.init(k, cfg) as unknown as Tree,
        apply: (p, x) => meanfield.apply(p as unknown as meanfield.MeanfieldParams, x, cfg),
      };
  }
}
