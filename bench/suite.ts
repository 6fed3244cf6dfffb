/**
 * The benchmark suite: the workloads of the benchmark definitions (docs/performance.md), each with its
 * unit, the unit of work that is timed, the check values, and the targets of the Performance
 * issue. The definitions of the work itself are in workloads.ts (ML) and pde.ts (PDE).
 */
import * as W from "./workloads.ts";
import { persampleMediumCompiled } from "./persample.ts";
import { PDE_WORKLOADS, type PdeWorkload } from "./pde.ts";
import { transformerStepCompiled } from "./transformerCompiled.ts";

export type Kind = "ml" | "pde";

export interface MlCase {
  kind: "ml";
  name: string;
  unit: string;
  metric: string;
  /** Seconds per unit → the reported unit. */
  scale: number;
  /**
   * The workload of the reference scripts this line is timed against and checked with (an
   * ablation line, e.g. the compiled form of a step, shares its eager line's); default: name.
   */
  reference?: string;
  /** Builds the workload (outside timing): the unit of work and the check values. */
  build(): { run: () => unknown; check: () => number[] };
}

export interface PdeCase {
  kind: "pde";
  name: string;
  unit: "ns/cell/step";
  metric: "median_wall_time_per_cell_step";
  build(): PdeWorkload;
}

export type Case = MlCase | PdeCase;

/** The reference workload a case is measured against and checked with. */
export const referenceName = (c: Case): string => (c.kind === "ml" ? (c.reference ?? c.name) : c.name);

const ml = (
  name: string,
  unit: string,
  metric: string,
  scale: number,
  build: MlCase["build"],
  reference?: string,
): MlCase => ({
  kind: "ml",
  name,
  unit,
  metric,
  scale,
  build,
  ...(reference !== undefined ? { reference } : {}),
});
const pde = (name: string): PdeCase => ({
  kind: "pde",
  name,
  unit: "ns/cell/step",
  metric: "median_wall_time_per_cell_step",
  build: () => PDE_WORKLOADS[name](),
});

export const CASES: readonly Case[] = [
  ml("tiny-grad", "us/eval", "median_wall_time_per_gradient", 1e6, W.tinyGrad),
  ml("mlp-small-step", "ms/step", "median_wall_time_per_step", 1e3, () => W.mlpStep(64)),
  ml("mlp-medium-step", "ms/step", "median_wall_time_per_step", 1e3, () => W.mlpStep(256)),
  ml(
    "mlp-small-step-compiled",
    "ms/step",
    "median_wall_time_per_step",
    1e3,
    () => W.mlpStepCompiled(64),
    "mlp-small-step",
  ),
  ml(
    "mlp-medium-step-compiled",
    "ms/step",
    "median_wall_time_per_step",
    1e3,
    () => W.mlpStepCompiled(256),
    "mlp-medium-step",
  ),
  ml("mlp-medium-hvp", "ms/hvp", "median_wall_time_per_hvp", 1e3, W.mlpMediumHvp),
  ml("mlp-medium-hvp-compiled", "ms/hvp", "median_wall_time_per_hvp", 1e3, W.mlpMediumHvpCompiled, "mlp-medium-hvp"),
  ml("persample-medium-loop", "ms/batch", "median_wall_time_per_batch", 1e3, W.persampleMediumLoop),
  ml("persample-medium-vmap", "ms/batch", "median_wall_time_per_batch", 1e3, W.persampleMedium),
  ml(
    "persample-medium-loop-compiled",
    "ms/batch",
    "median_wall_time_per_batch",
    1e3,
    () => persampleMediumCompiled("loop", false),
    "persample-medium-loop",
  ),
  ml(
    "persample-medium-vmap-compiled",
    "ms/batch",
    "median_wall_time_per_batch",
    1e3,
    () => persampleMediumCompiled("batched", true),
    "persample-medium-vmap",
  ),
  ml("transformer-step", "ms/step", "median_wall_time_per_step", 1e3, W.transformerStep),
  ml(
    "transformer-step-compiled",
    "ms/step",
    "median_wall_time_per_step",
    1e3,
    transformerStepCompiled,
    "transformer-step",
  ),
  ml("sgld-inner", "ms/loop", "median_wall_time_per_loop", 1e3, W.sgldInner),
  ml("sgld-inner-compiled", "ms/loop", "median_wall_time_per_loop", 1e3, () => W.sgldInner(true), "sgld-inner"),
  pde("burgers-muscl"),
  pde("burgers-weno5"),
  pde("heat2d"),
];

/** The reference check values (docs/performance.md §ml-check-values and docs/performance.md §pde-check-values). */
export const REFERENCE_CHECKS: Record<string, number[]> = {
  "tiny-grad": [-0.22605478923691874, 1.790459945607912, -0.6400279352774803],
  "mlp-small-step": [2.288918313302543, 0.09999966613707482, 2.2869533695839968],
  "mlp-medium-step": [2.3068023015602432, 0.1271774783574459, 2.304287430285261],
  "mlp-medium-hvp": [2.31006180811029, 13.177377693673167, 363.00739246896956],
  "persample-medium-loop": [73.46167199202752, 352.00827585819377, -0.134324114119014],
  "persample-medium-vmap": [73.46167199202752, 352.00827585819377, -0.134324114119014],
  "transformer-step": [4.768019802947667, 0.2554130161453394, 4.647159312144617],
  "sgld-inner": [0.36019944156240874, 0.338860936997371, 0.0017476569599301625, 6.293678858215442],
  "burgers-muscl": [50000, 0.28073513827],
  "burgers-weno5": [50000, 0.0175459622294],
  heat2d: [262144, 1368.10542587],
};

/**
 * Targets of the Performance issue: ratio = reference time / shocklens time must reach `min`
 * (per GEMM backend where the issue distinguishes them). Absent: no target (informational line).
 */
export function target(workload: string, refImpl: string, backend: string): number | null {
  const blas = backend === "native-blas";
  const torch = refImpl.startsWith("torch");
  switch (workload) {
    case "tiny-grad":
    case "sgld-inner":
      return torch ? 10 : null;
    case "mlp-small-step":
      return torch ? (blas ? 1.5 : 0.7) : null;
    case "mlp-medium-step":
    case "mlp-medium-hvp":
    case "transformer-step":
      return torch ? (blas ? 1.0 : 0.5) : null;
    case "persample-medium-loop":
    case "persample-medium-vmap":
      return torch ? 1.0 : null;
    case "burgers-muscl":
    case "burgers-weno5":
      return refImpl === "c-O2" ? 0.9 : refImpl.startsWith("numpy") ? 2 : null;
    case "heat2d":
      return refImpl === "c-O2" ? 0.5 : null;
    default:
      return null;
  }
}
