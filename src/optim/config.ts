/**
 * Optimizer configs (the `optimizer` block of a run config). `lr` is the base learning rate the
 * schedule starts from; defaults follow torch (lr is required for SGD and SGLD, as in torch).
 */
import { z } from "zod";
import { adam, adamw } from "./adam.ts";
import { entropySgd } from "./entropySgd.ts";
import { sgd } from "./sgd.ts";
import { sgld } from "./sgld.ts";
import type { Optimizer } from "./types.ts";

const lr = z.number().positive();
const decay = z.number().nonnegative();
const betas = z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]);

export const optimizerConfig = z.discriminatedUnion("name", [
  z
    .strictObject({
      name: z.literal("sgd"),
      lr,
      momentum: z.number().min(0).default(0),
      dampening: z.number().min(0).max(1).default(0),
      nesterov: z.boolean().default(false),
      weightDecay: decay.default(0),
    })
    .refine((o) => !o.nesterov || (o.momentum > 0 && o.dampening === 0), {
      message: "Nesterov momentum needs momentum > 0 and dampening 0",
      path: ["nesterov"],
    }),
  z.strictObject({
    name: z.literal("adam"),
    lr: lr.default(1e-3),
    betas: betas.default([0.9, 0.999]),
    eps: z.number().positive().default(1e-8),
    weightDecay: decay.default(0),
  }),
  z.strictObject({
    name: z.literal("adamw"),
    lr: lr.default(1e-3),
    betas: betas.default([0.9, 0.999]),
    eps: z.number().positive().default(1e-8),
    weightDecay: decay.default(0.01),
  }),
  z.strictObject({
    name: z.literal("sgld"),
    lr,
    /** Inverse temperature β: noise √(2·lr/β). */
    beta: z.number().positive(),
    weightDecay: decay.default(0),
  }),
  z.strictObject({
    name: z.literal("entropy-sgd"),
    /** η, the outer step: x ← x − ηγ(x − μ). */
    lr: lr.default(1),
    innerLr: lr.default(0.1),
    innerSteps: z.number().int().positive().max(10_000).default(20),
    gamma: z.number().positive().default(0.03),
    gammaScoping: z.number().nonnegative().default(1e-3),
    alpha: z.number().gt(0).lte(1).default(0.75),
    /** Paper's thermal noise ε = 1e-4 ⇔ β = 2/ε² = 2e8. */
    beta: z.number().positive().default(2e8),
  }),
]);

export type OptimizerConfig = z.infer<typeof optimizerConfig>;
export type OptimizerName = OptimizerConfig["name"];

export function optimizerOf(cfg: OptimizerConfig): Optimizer {
  switch (cfg.name) {
    case "sgd":
      return sgd(cfg) as Optimizer;
    case "adam":
      return adam(cfg) as Optimizer;
    case "adamw":
      return adamw(cfg) as Optimizer;
    case "sgld":
      return sgld(cfg) as Optimizer;
    case "entropy-sgd":
      return entropySgd(cfg) as Optimizer;
  }
}
