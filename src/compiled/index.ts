/**
 * Compiled steps (docs/performance.md §compiled-step): plans built once per batch size that replay
 * a dense network's gradient with preallocated buffers, and a training step that updates in place —
 * the same numbers as the eager path, bit for bit (H·v: to rounding, a different sum of the same terms).
 */
export { compileStep, type CompileStepOptions, type CompiledStep } from "./step.ts";
export { type CompiledPlanStep } from "./planStep.ts";
export { compileMlpGrad, compileUnsupported, mlpLeafNames, COMPILED_ACTIVATIONS, type MlpGradPlan } from "./mlpGrad.ts";
export { compileMlpHvp, type MlpHvpPlan } from "./mlpHvp.ts";
export { compileGradAt } from "./gradAt.ts";
export {
  compilePerSampleGrads,
  type PerSampleForm,
  type PerSampleGradsPlan,
  type PerSampleOptions,
} from "./perSample.ts";
export { compiledValueAndGrad } from "./valueAndGrad.ts";
export { compileLangevinInner, type LangevinInner, type LangevinInnerOptions } from "../optim/langevinInner.ts";
export {
  compileTransformerGrad,
  transformerCompileUnsupported,
  TRANSFORMER_COMPILED_ACTIVATIONS,
  type TransformerGradPlan,
} from "./transformerGrad.ts";
export { transformerLeafArrays, transformerLeafNames, transformerTreeOver } from "./transformerLayout.ts";
export { compileTransformerStep, type CompileTransformerStepOptions } from "./transformerStep.ts";
