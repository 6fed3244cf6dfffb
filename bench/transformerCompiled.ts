/**
 * transformer-step-compiled (docs/performance.md §compiled-transformer): the steps of
 * transformer-step through the library's compiled transformer step (src/compiled) — one plan for
 * the [512, 3] token batch reused every step, AdamW in place — timed and checked against the
 * eager line's reference.
 */
import { compileTransformerStep } from "../src/compiled/transformerStep.ts";
import { adamw } from "../src/optim/index.ts";
import { sumSq, trCfg, transformerBatch, transformerParams } from "./workloads.ts";

export function transformerStepCompiled() {
  const { tok, tgt } = transformerBatch();
  const make = () =>
    compileTransformerStep({
      model: trCfg,
      loss: "xent",
      optimizer: adamw({ weightDecay: 0.01 }),
      params: transformerParams(),
    });
  const run = make();
  return {
    run: () => run.step(tok, tgt, 1e-3),
    check: () => {
      const o = make();
      const l1 = o.step(tok, tgt, 1e-3);
      const g1 = sumSq(o.grads());
      o.step(tok, tgt, 1e-3);
      return [l1, g1, o.step(tok, tgt, 1e-3)];
    },
  };
}
