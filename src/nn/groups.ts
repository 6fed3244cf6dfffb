/**
 * The public `symmetry` namespace: the group machinery of src/symmetry together with `groupOf`,
 * which composes a model family's group spec and therefore lives with the family registry
 * (src/symmetry never imports the families; the families build their specs from its parts).
 */
export * from "../symmetry/index.ts";
export { groupOf } from "./registry.ts";
