/**
 * Data set configs (the `data` block of a run config), validated with strict zod schemas. Every
 * set is shipped with the package or generated from a key — nothing is downloaded. `seed` pins
 * the data (generation and split) independently of the run's seed, which it defaults to.
 */
import { z } from "zod";
import { modelConfig } from "../nn/registry.ts";

const fraction = z.number().gt(0).lte(1);
/** Sample counts are bounded (10 million); the memory a run needs is checked against its budget too. */
const count = z.number().int().min(2).max(1e7);
/** Dimensions, classes and arms: at most 100 000. */
const small = z.number().int().max(1e5);
const common = {
  /** Share of the samples used for training; the rest is the test split. */
  trainFraction: fraction.default(0.8),
  seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
};

export const mnistData = z.strictObject({
  name: z.literal("mnist"),
  ...common,
  /** Use only this many of the 10 000 shipped digits (a seeded random subset). */
  limit: count.optional(),
});

export const irisData = z.strictObject({
  name: z.literal("iris"),
  ...common,
  /** z-score the four features with the training split's mean and standard deviation. */
  standardize: z.boolean().default(true),
});

export const twoMoonsData = z.strictObject({
  name: z.literal("two-moons"),
  ...common,
  n: count.default(1000),
  noise: z.number().nonnegative().default(0.1),
});

export const spiralsData = z.strictObject({
  name: z.literal("spirals"),
  ...common,
  n: count.default(1000),
  arms: small.min(2).default(2),
  /** Turns of each arm. */
  turns: z.number().positive().max(1e6).default(1),
  noise: z.number().nonnegative().default(0.05),
});

export const gaussianMixtureData = z.strictObject({
  name: z.literal("gaussian-mixture"),
  ...common,
  n: count.default(1000),
  classes: small.min(2).default(3),
  dim: small.positive().default(2),
  /** Standard deviation of the class means around the origin. */
  separation: z.number().positive().default(3),
  /** Standard deviation of each class around its mean. */
  std: z.number().positive().default(1),
});

export const teacherStudentData = z.strictObject({
  name: z.literal("teacher-student"),
  ...common,
  /** The teacher network (any model family, docs/file-formats.md §model-configs); targets are its outputs. */
  teacher: modelConfig,
  n: count.default(1000),
  /** Standard deviation of the Gaussian label noise added to the teacher's outputs. */
  noise: z.number().nonnegative().default(0),
  /** Standard deviation of the Gaussian inputs (token inputs of a transformer are uniform). */
  inputStd: z.number().positive().default(1),
});

export const MODULAR_OPS = ["+", "-", "*", "/"] as const;
export type ModularOp = (typeof MODULAR_OPS)[number];

export const modularData = z.strictObject({
  name: z.literal("modular"),
  trainFraction: fraction.default(0.3),
  seed: common.seed,
  /** The modulus; ÷ needs a prime. All p² pairs (p(p−1) for ÷) are the data set. */
  p: z.number().int().min(2).max(2000).default(97),
  op: z.enum(MODULAR_OPS).default("+"),
  /** tokens: x = [a, b, "="] with "=" the token p (a transformer with vocab ≥ p+1, seq 3);
   * onehot: x = onehot(a) ‖ onehot(b), 2p features (an MLP). */
  encoding: z.enum(["tokens", "onehot"]).default("tokens"),
});

export const dataConfig = z.discriminatedUnion("name", [
  mnistData,
  irisData,
  twoMoonsData,
  spiralsData,
  gaussianMixtureData,
  teacherStudentData,
  modularData,
]);

export type DataConfig = z.infer<typeof dataConfig>;
export type DataName = DataConfig["name"];
export const DATA_NAMES: readonly DataName[] = dataConfig.options.map((o) => o.shape.name.value);
