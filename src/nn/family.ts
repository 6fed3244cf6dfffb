/**
 * What a model family is: one typed record holding everything the library knows about it — its
 * config schema, a pure `init(key, cfg)` / `apply(params, x, cfg)` over its param tree (named as
 * torch's state_dict), the shape rules of its inputs and outputs, its parameter and activation counts, the spec of its parameter
 * symmetry group, and a small example for the tests. The records live in ./families/, one file
 * each, and ./registry.ts lists them; everything that depends on the family (model files, the
 * data checks, teacher–student data, symmetry groups) reads the record, never a switch on `arch`.
 */
import type { z } from "zod";
import type { Key } from "../core/random.ts";
import type { Tensor } from "../core/tensor.ts";
import type { Tree } from "../core/tree.ts";
import type { Layout } from "../symmetry/layout.ts";
import type { GroupSpec } from "../symmetry/types.ts";
import type { LossName } from "./losses.ts";
import type { Terms } from "./size.ts";

/** A family's config schema: a strict zod object whose `arch` literal names the family. */
export type FamilySchema = z.ZodObject<{ arch: z.ZodLiteral<string> }>;

/**
 * A family with config schema S (config type z.infer<S>) and param tree type P. Members are
 * methods, so a record typed with its own S and P is also a `ModelFamily` of the registry's
 * erased types (ModelFamily<FamilySchema, Tree>).
 */
export interface ModelFamily<S extends FamilySchema = FamilySchema, P extends Tree = Tree> {
  readonly arch: z.infer<S>["arch"];
  /** One line: what the family computes. */
  readonly summary: string;
  /** The strict config schema; parseModelConfig validates with the union of every family's. */
  readonly schema: S;
  /** Checks across fields that the schema cannot express; throws an InputError naming the field. */
  check?(cfg: z.infer<S>, where: string): void;
  init(key: Key, cfg: z.infer<S>): P;
  /** A batch x [N, …sample] → outputs [N, …outputShape(sample)]. */
  apply(params: P, x: Tensor, cfg: z.infer<S>): Tensor;
  /**
   * The per-sample input shapes the model reads (after the batch axis). Data are generated in the
   * first one, flattened (every family reads flat samples).
   */
  inputShapes(cfg: z.infer<S>): number[][];
  /** Whether a per-sample input shape is read (default: it equals one of inputShapes). */
  acceptsSample?(sample: readonly number[], cfg: z.infer<S>): boolean;
  /** For token inputs: the vocabulary size (inputs are integers in [0, vocab)). */
  vocab?(cfg: z.infer<S>): number;
  /**
   * The per-sample output shape for a per-sample input shape; its last axis holds the classes of
   * a cross-entropy loss, the axes before it the label positions ([]: one value per sample).
   */
  outputShape(cfg: z.infer<S>, sample: readonly number[]): number[];
  /**
   * The parameter count split into terms named by the config fields they grow with (./size.ts);
   * the terms add up to the values `init` allocates.
   */
  parameterTerms(cfg: z.infer<S>): Terms;
  /** The values one sample's forward pass keeps for the backward pass (layer outputs, attention weights), by field. */
  activationTerms(cfg: z.infer<S>): Terms;
  /** The symmetry group of the params, as components over the flat layout (src/symmetry composes it). */
  group(cfg: z.infer<S>, layout: Layout): GroupSpec;
  /**
   * A small config of the family, the loss its outputs suit, and the state_dict it must have
   * (torch's "name:shape" list), for the tests that run over every registered family.
   */
  readonly example: { readonly config: z.input<S>; readonly loss: LossName; readonly stateDict: readonly string[] };
}

/** Types a family record (checks it against the interface, keeping its own S and P). */
export function defineFamily<S extends FamilySchema, P extends Tree>(family: ModelFamily<S, P>): ModelFamily<S, P> {
  return family;
}
