/**
 * Model configs (docs/file-formats.md §model-configs), validated with strict zod schemas: unknown keys, bad sizes and
 * unknown activations are rejected with a one-line message naming the field.
 */
import { z } from "zod";
import { InputError } from "../errors.ts";
import { checkModelSize } from "./size.ts";

/** Bounds that keep a config from asking for absurd sizes; the parameter count is checked too (size.ts). */
const MAX_DIMENSION = 1e7;
const MAX_LAYERS = 10_000;
const size = z.number().int().positive().max(MAX_DIMENSION);
const activation = z.enum(["relu", "tanh", "gelu", "identity", "leaky-relu"]);

export const mlpConfig = z.strictObject({
  arch: z.literal("mlp"),
  sizes: z.array(size).min(2),
  activation: activation.default("relu"),
  bias: z.boolean().default(true),
});

export const cnnConfig = z.strictObject({
  arch: z.literal("cnn"),
  input: z.tuple([size, size, size]),
  conv: z
    .array(
      z.strictObject({
        out: size,
        kernel: size,
        padding: z.number().int().nonnegative().max(MAX_DIMENSION).default(0),
        pool: size.optional(),
      }),
    )
    .min(1),
  fc: z.array(size).min(1),
  activation: activation.default("relu"),
});

export const transformerConfig = z.strictObject({
  arch: z.literal("transformer"),
  vocab: size,
  seq: size,
  d: size,
  heads: size,
  dHead: size,
  layers: z.number().int().nonnegative().max(MAX_LAYERS),
  mlp: size,
  norm: z.enum(["layernorm", "none"]).default("layernorm"),
  activation: activation.default("relu"),
  causal: z.boolean().default(true),
  readout: z.enum(["last", "all"]).default("last"),
});

export const meanfieldConfig = z.strictObject({
  arch: z.literal("meanfield"),
  input: size,
  width: size,
  activation: z.enum(["relu", "tanh", "gelu", "identity", "leaky-relu"]).default("relu"),
  bias: z.boolean().default(true),
});

export const modelConfig = z.discriminatedUnion("arch", [mlpConfig, cnnConfig, transformerConfig, meanfieldConfig]);

export type MlpConfig = z.infer<typeof mlpConfig>;
export type CnnConfig = z.infer<typeof cnnConfig>;
export type TransformerConfig = z.infer<typeof transformerConfig>;
export type MeanfieldConfig = z.infer<typeof meanfieldConfig>;
export type ModelConfig = z.infer<typeof modelConfig>;

/** One line per zod problem, the first one reported: `<where>: <path>: <message>`. */
export function formatZodError(err: z.ZodError, where: string): string {
  const issue = err.issues[0];
  const path = issue.path.length ? issue.path.join(".") : "(root)";
  let msg = issue.message;
  if (issue.code === "unrecognized_keys")
    msg = `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_union" && path === "arch")
    msg = "unknown arch (expected mlp, cnn, transformer or meanfield)";
  return `${where}: ${path}: ${msg}`;
}

/** Parses and validates a model config; throws InputError naming the offending field. */
export function parseModelConfig(raw: unknown, where = "model config"): ModelConfig {
  if (typeof raw === "object" && raw !== null && "arch" in raw) {
    const arch = (raw as { arch: unknown }).arch;
    if (!["mlp", "cnn", "transformer", "meanfield"].includes(arch as string)) {
      throw new InputError(
        `${where}: arch: unknown arch ${JSON.stringify(arch)} (expected mlp, cnn, transformer or meanfield)`,
      );
    }
  }
  const r = modelConfig.safeParse(raw);
  if (!r.success) throw new InputError(formatZodError(r.error, where));
  checkConsistency(r.data, where);
  checkModelSize(r.data, where);
  return r.data;
}

function checkConsistency(cfg: ModelConfig, where: string): void {
  if (cfg.arch === "cnn") {
    let [, h, w] = cfg.input;
    cfg.conv.forEach((c, i) => {
      h = h + 2 * c.padding - c.kernel + 1;
      w = w + 2 * c.padding - c.kernel + 1;
      if (h < 1 || w < 1)
        throw new InputError(
          `${where}: conv.${i}: kernel ${c.kernel} does not fit the ${h + c.kernel - 1 - 2 * c.padding}-pixel input`,
        );
      if (c.pool) {
        h = Math.floor(h / c.pool);
        w = Math.floor(w / c.pool);
        if (h < 1 || w < 1)
          throw new InputError(`${where}: conv.${i}.pool: window ${c.pool} is larger than the feature map`);
      }
    });
  }
}
