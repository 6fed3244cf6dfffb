/**
 * The machinery of parameter symmetries behind one interface (types.ts): a model family describes
 * its group as components over the flat layout of its params (a GroupSpec), and `composeGroup`
 * turns that into the group acting on the param trees — act, random elements, Lie-algebra
 * generators, horizontal projection, invariants, canonical (balanced) form, Noether charges and
 * permutation alignment. `groupOf(cfg)`, which composes the spec of a config's family, lives with
 * the family registry (src/nn/registry.ts). See docs/symmetry.md and docs/theory.md §d.0–d.9.
 */
export type * from "./types.ts";
export { linearAssignment } from "./hungarian.ts";
export { isHomogeneous } from "./homogeneous.ts";
export { composeGroup } from "./compose.ts";
export { layoutOf, type Layout } from "./layout.ts";
export { denseUnits, unitComponents } from "./units.ts";
