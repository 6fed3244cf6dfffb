/**
 * The fused stencil kernels behind the fast paths of solveBurgers1d and solveHeat2d, in two
 * implementations with one signature: WebAssembly-SIMD (assembly/pde.ts, loaded from the built
 * pde.wasm by src/core/kernels/wasm/pdeWasm.ts) and the plain-TypeScript twins of this folder.
 * Both evaluate the same operations per value, so they agree to rounding; the generic
 * method-of-lines solver (spatial.ts + timestep.ts) is their oracle.
 *
 * Which set runs is an option of the solvers and steppers, `kernels`:
 *   "auto" (default)  WebAssembly-SIMD when pde.wasm is built, else TypeScript;
 *   "wasm-simd"       WebAssembly-SIMD (an InputError when pde.wasm is not built);
 *   "typescript"      the TypeScript twins;
 *   "generic"         (Burgers only) the method-of-lines path, as for every case the fused
 *                     kernels do not cover.
 */
import { wasmStencils } from "../../core/kernels/wasm/pdeWasm.ts";
import { InputError } from "../../errors.ts";
import { lookup } from "../validate.ts";
import { heatStep } from "./heat.ts";
import { maxAbsRange } from "./maxAbs.ts";
import { musclStage } from "./muscl.ts";
import { wenoStage } from "./weno5.ts";

export type KernelChoice = "auto" | "wasm-simd" | "typescript" | "generic";
export type FusedKernelName = "wasm-simd" | "typescript";

export interface StageKernels {
  readonly name: FusedKernelName;
  /** Fields of the given lengths that these kernels can work on (one call per stepper). */
  fields(lengths: readonly number[]): Float64Array[];
  /** max |u[start … start+n)|, NaN when any value is NaN. */
  maxAbs(u: Float64Array, start: number, n: number): number;
  /** out = a·u0 + b·(uin + dt·L(uin)), MUSCL (θ = ½) or first-order (θ = 0) L; fields ghosted by 2. */
  musclStage(
    uin: Float64Array,
    u0: Float64Array,
    out: Float64Array,
    n: number,
    invDx: number,
    dt: number,
    a: number,
    b: number,
    theta: number,
    godunov: boolean,
  ): void;
  /** out = a·u0 + b·(uin + dt·L(uin)), WENO5 L; fields ghosted by 3. */
  wenoStage(
    uin: Float64Array,
    u0: Float64Array,
    out: Float64Array,
    n: number,
    invDx: number,
    dt: number,
    a: number,
    b: number,
  ): void;
  /** One explicit 5-point heat step on the periodic nx×ny grid, u → un. */
  heatStep(u: Float64Array, un: Float64Array, nx: number, ny: number, rx: number, ry: number): void;
}

export const TS_KERNELS: StageKernels = {
  name: "typescript",
  fields: (lengths) => lengths.map((n) => new Float64Array(n)),
  maxAbs: maxAbsRange,
  musclStage,
  wenoStage,
  heatStep,
};

const CHOICES: Readonly<Record<KernelChoice, true>> = {
  auto: true,
  "wasm-simd": true,
  typescript: true,
  generic: true,
};

/** Validates a `kernels` option (default "auto"). */
export function kernelChoice(v: string | undefined): KernelChoice {
  if (v === undefined) return "auto";
  lookup(CHOICES, v, "kernels");
  return v as KernelChoice;
}

/** The fused kernel set for a choice other than "generic" (a fresh wasm instance per call: its own memory). */
export function stageKernels(choice: Exclude<KernelChoice, "generic">): StageKernels {
  if (choice === "typescript") return TS_KERNELS;
  const w = wasmStencils();
  if (w) return w;
  if (choice === "wasm-simd") throw new InputError("kernels: wasm-simd requested, but pde.wasm is not built");
  return TS_KERNELS;
}
