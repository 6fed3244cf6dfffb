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

const lr = z.number().positive().describe("base learning rate (the schedule scales it)");
const decay = z.number().nonnegative().describe("L2 weight decay λ (adamw: decoupled)");
const betas = z
  .tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)])
  .describe("decay rates (β1, β2) of the first and second moment averages");
const eps = z.number().positive().default(1e-8).describe("ε added to the root of the second moment");

export const optimizerConfig = z.discriminatedUnion("name", [
  z
    .strictObject({
      name: z.literal("sgd").describe("stochastic gradient descent, with optional momentum (torch.optim.SGD)"),
      lr,
      momentum: z.number().min(0).default(0).describe("momentum factor μ (0: plain SGD)"),
      dampening: z.number().min(0).max(1).default(0).describe("dampening of the momentum buffer's gradient term"),
      nesterov: z.boolean().default(false).describe("Nesterov momentum (needs momentum > 0, dampening 0)"),
      weightDecay: decay.default(0),
    })
    .refine((o) => !o.nesterov || (o.momentum > 0 && o.dampening === 0), {
      message: "Nesterov momentum needs momentum > 0 and dampening 0",
      path: ["nesterov"],
    }),
  z.strictObject({
    name: z.literal("adam").describe("Adam (torch.optim.Adam); weightDecay adds λθ to the gradient"),
    lr: lr.default(1e-3),
    betas: betas.default([0.9, 0.999]),
    eps,
    weightDecay: decay.default(0),
  }),
  z.strictObject({
    name: z.literal("adamw").describe("AdamW (torch.optim.AdamW): decoupled weight decay"),
    lr: lr.default(1e-3),
    betas: betas.default([0.9, 0.999]),
    eps,
    weightDecay: decay.default(0.01),
  }),
  z.strictObject({
    name: z.literal("sgld").describe("stochastic gradient Langevin dynamics: SGD plus Gaussian noise"),
    lr,
    /** Inverse temperature β: noise √(2·lr/β). */
    beta: z.number().positive().describe("inverse temperature β: the noise of a step is √(2·lr/β)·N(0, I)"),
    weightDecay: decay.default(0),
  }),
  z.strictObject({
    name: z.literal("entropy-sgd").describe("Entropy-SGD: descends the local entropy with an inner Langevin loop"),
    /** η, the outer step: x ← x − ηγ(x − μ). */
    lr: lr.default(1).describe("η, the outer step: x ← x − ηγ(x − μ)"),
    innerLr: lr.default(0.1).describe("η', the step size of the inner Langevin loop"),
    innerSteps: z
      .number()
      .int()
      .positive()
      .max(10_000)
      .default(20)
      .describe("L, Langevin steps (mini-batch gradients) per outer step"),
    gamma: z.number().positive().default(0.03).describe("γ₀, the initial coupling (the scope is 1/γ)"),
    gammaScoping: z
      .number()
      .nonnegative()
      .default(1e-3)
      .describe("γ₁: the coupling grows as γ₀(1 + γ₁)^t with the outer step t"),
    alpha: z
      .number()
      .gt(0)
      .lte(1)
      .default(0.75)
      .describe("α, the weight of the exponential average μ of the inner iterates"),
    /** Paper's thermal noise ε = 1e-4 ⇔ β = 2/ε² = 2e8. */
    beta: z
      .number()
      .positive()
      .default(2e8)
      .describe("inverse temperature of the inner loop (the paper's thermal noise ε = 1e-4 is β = 2/ε² = 2e8)"),
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
