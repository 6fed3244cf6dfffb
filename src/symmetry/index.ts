/**
 * Parameter symmetries of the four model families behind one interface (types.ts):
 * `groupOf(cfg)` gives the group acting on the model's param trees — act, random elements,
 * Lie-algebra generators, horizontal projection, invariants, canonical (balanced) form, Noether
 * charges and permutation alignment. See docs/symmetry.md and docs/theory.md §d.0–d.9.
 */
import { key } from "../core/random.ts";
import { modelOf, type ModelConfig } from "../nn/index.ts";
import { layoutOf } from "./layout.ts";
import { composeGroup } from "./compose.ts";
import type { GroupSpec, SymmetryGroup } from "./types.ts";
import { mlpGroup } from "./mlp.ts";
import { cnnGroup } from "./cnn.ts";
import { transformerGroup } from "./transformer.ts";
import { meanfieldGroup } from "./meanfield.ts";

export type * from "./types.ts";
export { linearAssignment } from "./hungarian.ts";
export { isHomogeneous } from "./homogeneous.ts";
export { composeGroup } from "./compose.ts";

const cache = new WeakMap<ModelConfig, SymmetryGroup>();

/** The symmetry group of a model config (cached per config object). */
export function groupOf(cfg: ModelConfig): SymmetryGroup {
  const hit = cache.get(cfg);
  if (hit) return hit;
  const template = modelOf(cfg).init(key(0));
  const layout = layoutOf(template);
  let spec: GroupSpec;
  switch (cfg.arch) {
    case "mlp":
      spec = mlpGroup(cfg, layout);
      break;
    case "cnn":
      spec = cnnGroup(cfg, layout);
      break;
    case "transformer":
      spec = transformerGroup(cfg, layout);
      break;
    case "meanfield":
      spec = meanfieldGroup(cfg, layout);
      break;
  }
  const g = composeGroup(spec, template);
  cache.set(cfg, g);
  return g;
}
