/**
 * The run config of `shocklens train` (YAML or JSON): model, data, loss, optimizer, schedule and
 * the loop's cadence, validated by a strict zod schema — unknown keys are errors that name their
 * path — and exported as JSON Schema (`shocklens train --schema`).
 */
import { resolve } from "node:path";
import { z } from "zod";
import { InputError } from "../errors.ts";
import { formatZodIssues, seedSchema } from "../validate.ts";
import { modelConfig, parseModelConfig } from "../nn/registry.ts";
import { dataConfig } from "../data/config.ts";
import { optimizerConfig } from "../optim/config.ts";
import { scheduleConfig } from "../optim/schedule.ts";
import { monitorConfig } from "../monitor/config.ts";
import { checkRunMemory, MAX_STEPS } from "./limits.ts";

/** Counts are bounded so that no config can ask for absurd work; memory is checked in limits.ts. */
const positiveInt = z.number().int().positive().max(MAX_STEPS);
const everySteps = z.number().int().nonnegative().max(MAX_STEPS);

export const runConfig = z
  .strictObject({
    name: z.string().min(1).optional().describe("run name shown by `shocklens runs` (default: <arch>-<data>)"),
    experiment: z.string().min(1).optional().describe('experiment the run belongs to (default: "default")'),
    seed: seedSchema.describe(
      "seeds the initialisation, the batches and the optimizer noise (and the data unless data.seed is set)",
    ),
    model: modelConfig.describe(
      "the network (docs/file-formats.md §model-configs): mlp, cnn, transformer or meanfield",
    ),
    data: dataConfig.describe(
      "the task: mnist, iris, two-moons, spirals, gaussian-mixture, teacher-student or modular",
    ),
    init: z
      .strictObject({
        weights: z
          .string()
          .min(1)
          .describe(
            "safetensors or npz: torch state_dict names, a shocklens checkpoint, or nn.Sequential-style names " +
              "(mapped by position); relative to the config file",
          ),
        rename: z
          .record(z.string().min(1), z.string().min(1))
          .optional()
          .describe('tensor renames FROM: TO applied before matching, e.g. {"0": "fc0", "2": "fc1"}'),
      })
      .optional()
      .describe("start from given weights (e.g. exported from PyTorch) instead of a seeded initialisation"),
    loss: z.enum(["mse", "xent"]).optional().describe("default: xent for classification data, mse for teacher-student"),
    optimizer: optimizerConfig.describe("sgd, adam, adamw, sgld or entropy-sgd; lr is the schedule's base rate"),
    schedule: scheduleConfig
      .optional()
      .describe("learning-rate schedule (default constant), with an optional linear warm-up"),
    steps: positiveInt.optional().describe("optimizer steps to take (give steps or epochs)"),
    epochs: z
      .number()
      .positive()
      .max(1e6)
      .optional()
      .describe("passes over the training split, in mini-batch gradients (Entropy-SGD takes innerSteps per step)"),
    batchSize: positiveInt.describe(
      "samples per mini-batch; without replacement at most the training split (larger means full batch)",
    ),
    replacement: z.boolean().default(false).describe("draw batches with replacement instead of shuffled epochs"),
    evalEvery: everySteps
      .default(0)
      .describe("evaluate the test split every this many steps (0: only at step 0 and at the end)"),
    evalTrain: z.boolean().default(false).describe("also evaluate on the whole training split"),
    evalBatchSize: positiveInt.default(500).describe("samples per forward pass during evaluation (bounds memory)"),
    logEvery: positiveInt.default(10).describe("log train/loss, train/grad_norm and lr every this many steps"),
    checkpointEvery: everySteps.default(500).describe("write a checkpoint every this many steps (0: only at the end)"),
    keepCheckpoints: z
      .number()
      .int()
      .positive()
      .max(1000)
      .default(3)
      .describe("how many of the newest checkpoints to keep on disk"),
    monitor: monitorConfig
      .optional()
      .describe(
        "the training monitor: raw and quotient observables, change points, forecasts and alerts stored with the run (docs/monitor.md)",
      ),
    compile: z
      .boolean()
      .optional()
      .describe(
        "take the gradients through compiled plans (mlp and transformer models with relu, tanh or identity): same numbers, faster",
      ),
  })
  .refine((c) => (c.steps === undefined) !== (c.epochs === undefined), {
    message: "give exactly one of steps and epochs",
    path: ["steps"],
  });

export type RunConfig = z.infer<typeof runConfig>;
export type RunConfigInput = z.input<typeof runConfig>;

/** Validates a run config (already parsed from YAML/JSON) and fills in the defaults. */
export function parseRunConfig(raw: unknown, where = "run config"): RunConfig {
  const r = runConfig.safeParse(raw);
  if (!r.success) throw new InputError(formatZodIssues(r.error.issues, where));
  // The shape checks zod cannot express (a CNN kernel larger than its input, …).
  parseModelConfig(r.data.model, `${where}: model`);
  if (r.data.data.name === "teacher-student") parseModelConfig(r.data.data.teacher, `${where}: data.teacher`);
  checkRunMemory(r.data, where);
  return r.data;
}

/**
 * The config with its file paths (data.path, init.weights) made absolute against `baseDir` (the
 * config file's folder), as they are stored: a run resumes from any working directory.
 */
export function withAbsolutePaths(config: RunConfig, baseDir: string): RunConfig {
  const abs = (p: string) =>
    p
      .split(",")
      .map((part) => resolve(baseDir, part.trim()))
      .join(",");
  return {
    ...config,
    ...(config.data.name === "file" ? { data: { ...config.data, path: abs(config.data.path) } } : {}),
    ...(config.init ? { init: { ...config.init, weights: resolve(baseDir, config.init.weights) } } : {}),
  };
}

/** The JSON Schema (draft 2020-12) of the run config as written by users (defaults optional). */
export function runConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(runConfig, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
