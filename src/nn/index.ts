/**
 * The model families behind one registry (./registry.ts): `modelOf(cfg)` gives pure `init(key)`
 * and `apply(params, x)` functions over param trees named as torch's state_dict; each family's
 * record (`mlp`, `cnn`, `transformer`, `meanfield`) also has them typed, as `mlp.init(key, cfg)`
 * and `mlp.apply(params, x, cfg)`.
 */
export { mlp, mlpConfig, type Linear, type MlpConfig, type MlpParams } from "./families/mlp.ts";
export { cnn, cnnConfig, convOutput, type CnnConfig, type CnnParams } from "./families/cnn.ts";
export {
  transformer,
  transformerConfig,
  attention,
  type Affine,
  type Block,
  type TransformerConfig,
  type TransformerParams,
} from "./families/transformer.ts";
export { meanfield, meanfieldConfig, type MeanfieldConfig, type MeanfieldParams } from "./families/meanfield.ts";
export { defineFamily, type FamilySchema, type ModelFamily } from "./family.ts";
export {
  FAMILIES,
  archNames,
  checkInputs,
  checkTargets,
  exampleOf,
  families,
  familyOf,
  flatInputShape,
  groupOf,
  inputShapes,
  modelConfig,
  modelOf,
  outputShape,
  outputSize,
  activationTerms,
  parameterTerms,
  parseModelConfig,
  randomInputs,
  randomTargets,
  type AnyFamily,
  type Arch,
  type Model,
  type ModelConfig,
} from "./registry.ts";
export { activationName } from "./config.ts";
export * from "./losses.ts";
