/**
 * A grokking run's milestones read from the store (docs/experiments.md §grokking): when it memorised
 * the training pairs, when test accuracy crossed 50 % (the transition the monitor is scored against)
 * and 95 % (grokked).
 */
import type { RunStore } from "../store/types.ts";

export interface GrokkingRun {
  run: string;
  p: number;
  seed: number;
  weightDecay: number;
  /** First evaluation with train accuracy ≥ 99 % (memorised). */
  memorizedStep: number | null;
  /** First with test accuracy ≥ 50 % (the transition) and ≥ 95 % (grokked). */
  transitionStep: number | null;
  grokStep: number | null;
  finalTestAccuracy: number;
  seconds: number;
  overhead: number;
}

/** The first step at which a metric series reaches a level. */
function firstAt(points: { step: number; value: number }[], level: number): number | null {
  return points.find((p) => p.value >= level)?.step ?? null;
}

/** A finished grokking run's milestones, read from the store. */
export function grokkingRun(
  store: RunStore,
  run: string,
  meta: Pick<GrokkingRun, "p" | "seed" | "weightDecay" | "seconds" | "overhead">,
): GrokkingRun {
  const acc = store.scalars(run, "test/accuracy").map((q) => ({ step: q.step, value: q.value }));
  const train = store.scalars(run, "train/accuracy").map((q) => ({ step: q.step, value: q.value }));
  return {
    run,
    ...meta,
    memorizedStep: firstAt(train, 0.99),
    transitionStep: firstAt(acc, 0.5),
    grokStep: firstAt(acc, 0.95),
    finalTestAccuracy: acc[acc.length - 1]?.value ?? NaN,
  };
}
