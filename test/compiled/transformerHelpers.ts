/** Shared pieces of the compiled-transformer tests: configs, seeded batches and parameters, the eager gradient. */
import { Tensor } from "../../src/core/tensor.ts";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { foldIn, key, normal, randint } from "../../src/core/random.ts";
import { mapTree } from "../../src/core/tree.ts";
import {
  apply,
  init,
  transformerConfig,
  type TransformerConfig,
  type TransformerParams,
} from "../../src/nn/families/transformer.ts";
import { lossFn, type LossName } from "../../src/nn/losses.ts";

export const trCfg = (c: Partial<TransformerConfig>): TransformerConfig =>
  transformerConfig.parse({
    arch: "transformer",
    vocab: 11,
    seq: 4,
    d: 8,
    heads: 2,
    dHead: 4,
    layers: 1,
    mlp: 12,
    ...c,
  });

/** Tokens [N, T] and targets (labels, or normal values for mse) from a seeded key. */
export function trBatch(seed: number, cfg: TransformerConfig, loss: LossName, N: number, T: number) {
  const k = key(seed);
  const tok = new Tensor(Float64Array.from(randint(foldIn(k, 0), N * T, 0, cfg.vocab)), [N, T]);
  const pos = cfg.readout === "last" ? [N] : [N, T];
  const t =
    loss === "xent"
      ? new Tensor(
          Float64Array.from(
            randint(
              foldIn(k, 1),
              pos.reduce((a, b) => a * b),
              0,
              cfg.vocab,
            ),
          ),
          pos,
        )
      : normal(foldIn(k, 1), [...pos, cfg.vocab]);
  return { tok, t };
}

/** init's parameters with every leaf moved by seeded normal noise (layer-norm gains ≠ 1, biases ≠ 0). */
export function trParams(cfg: TransformerConfig, seed = 3): TransformerParams {
  let i = 0;
  return mapTree(init(key(seed), cfg), (t) => {
    const z = normal(foldIn(key(seed + 1000), i++), t.shape).data;
    return new Tensor(
      t.data.map((v, j) => v + 0.3 * z[j]),
      t.shape,
    );
  });
}

export const eagerTrVg = (cfg: TransformerConfig, loss: LossName) =>
  valueAndGrad((p: TransformerParams, x: Tensor, t: Tensor) => lossFn(loss)(apply(p, x, cfg), t));

/** Batches for a run of steps, one per [N, T] shape, the i-th from seed + i (tokens as x). */
export const trStepBatches = (cfg: TransformerConfig, loss: LossName, seed: number, shapes: number[][]) =>
  shapes.map(([N, T], i) => {
    const { tok, t } = trBatch(seed + i, cfg, loss, N, T);
    return { x: tok, t };
  });
