/** The canned experiments by name (one file each; adding one touches this list only). */
import type { Experiment } from "./types.ts";
import { grokking } from "./grokking.ts";
import { gaugeAttack } from "./gaugeAttack.ts";
import { meanfieldCondensation } from "./meanfieldCondensation.ts";
import { edgeOfStability } from "./edgeOfStability.ts";

export const EXPERIMENTS: readonly Experiment[] = [grokking, gaugeAttack, meanfieldCondensation, edgeOfStability];

export function experimentOf(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}
