/**
 * Learning-rate schedules: lr(t) for the 0-based step t of a run of T steps, from the base rate.
 *   constant  lr
 *   step      lr·γ^⌊t/s⌋                                    (torch StepLR)
 *   cosine    lr_min + (lr − lr_min)(1 + cos(π t/T))/2       (torch CosineAnnealingLR, T_max = T)
 * A warm-up of W steps ramps linearly, lr·(t + 1)/W for t < W, and the schedule then runs on
 * t − W over the remaining T − W steps.
 */
import { z } from "zod";

const warmup = z
  .number()
  .int()
  .nonnegative()
  .default(0)
  .describe("steps W of a linear warm-up lr·(t + 1)/W before the schedule starts");

export const scheduleConfig = z.discriminatedUnion("name", [
  z.strictObject({ name: z.literal("constant").describe("lr throughout"), warmup }),
  z.strictObject({
    name: z.literal("step").describe("lr·γ^⌊t/stepSize⌋ (torch StepLR)"),
    warmup,
    stepSize: z.number().int().positive().describe("steps between two decays"),
    gamma: z.number().positive().default(0.1).describe("factor γ of each decay"),
  }),
  z.strictObject({
    name: z.literal("cosine").describe("cosine annealing from lr to minLr over the run (torch CosineAnnealingLR)"),
    warmup,
    minLr: z.number().nonnegative().default(0).describe("the learning rate at the end of the run"),
  }),
]);

export type ScheduleConfig = z.infer<typeof scheduleConfig>;
export type Schedule = (t: number) => number;

export function makeSchedule(cfg: ScheduleConfig | undefined, lr: number, totalSteps: number): Schedule {
  const c = cfg ?? { name: "constant", warmup: 0 };
  const W = c.warmup;
  const T = Math.max(1, totalSteps - W);
  const main = (t: number): number => {
    switch (c.name) {
      case "constant":
        return lr;
      case "step":
        return lr * Math.pow(c.gamma, Math.floor(t / c.stepSize));
      case "cosine":
        return c.minLr + ((lr - c.minLr) * (1 + Math.cos((Math.PI * Math.min(t, T)) / T))) / 2;
    }
  };
  return (t) => (t < W ? (lr * (t + 1)) / W : main(t - W));
}
