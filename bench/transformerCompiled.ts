/**
 * transformer-step-compiled (docs/performance.md §compiled-transformer): the steps of
 * transformer-step through the library's compiled transformer step (src/compiled) — one plan for
 * the [512, 3] token batch reused every step, AdamW in place — timed and checked against the
 * eager line's reference.
 */
import { compileTransformerStep } from "../src/compiled/transformerStep.ts";
import { adamw } from "../src/optim/index.ts";
import { compiledStepWorkload, trCfg, transformerBatch, transformerParams } from "./workloads.ts";

export function transformerStepCompiled() {
  const { tok, tgt } = transformerBatch();
  return compiledStepWorkload(
    () =>
      compileTransformerStep({
        model: trCfg,
        loss: "xent",
        optimizer: adamw({ weightDecay: 0.01 }),
        params: transformerParams(),
      }),
    tok,
    tgt,
    1e-3,
  );
}
