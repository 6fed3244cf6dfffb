/**
 * The fused stencil kernels behind the fast paths of solveBurgers1d and solveHeat2d, and their
 * backend axis in the one backend registry (core/backends/registry.ts): `wasm-simd`
 * (assembly/pde.ts, loaded from the built pde.wasm by ./wasm.ts) and `typescript`, the
 * plain-TypeScript twins of this folder. Both evaluate the same operations per value, so they
 * agree to rounding; the generic method-of-lines solver (spatial.ts + timestep.ts) is their oracle.
 *
 * Which set runs is an option of the solvers and steppers, `kernels`:
 *   "auto" (default)  the axis' active backend: the one `useBackend("stencils", name)` selected,
 *                     else the first that loads (WebAssembly-SIMD when pde.wasm is built);
 *   "wasm-simd"       WebAssembly-SIMD (a BackendUnavailableError when pde.wasm is not built);
 *   "typescript"      the TypeScript twins;
 *   "generic"         (Burgers only) the method-of-lines path, as for every case the fused
 *                     kernels do not cover.
 */
import { BackendAxis, type BackendEntry } from "../../core/backends/registry.ts";
import { lookup } from "../../validate.ts";
import { heatStep } from "./heat.ts";
import { maxAbsRange } from "./maxAbs.ts";
import { musclStage } from "./muscl.ts";
import { compilePdeWasm, WasmStencils } from "./wasm.ts";
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

/** A stencil backend hands out kernel sets; each WebAssembly set has a memory of its own. */
export interface StencilBackend {
  create(): StageKernels;
  detail: string;
}

const wasmSimdStencils: BackendEntry<StencilBackend> = {
  name: "wasm-simd",
  summary: "WebAssembly SIMD build of assembly/pde.ts",
  load() {
    const { path, module } = compilePdeWasm();
    return { create: () => new WasmStencils(path, module), detail: path };
  },
  detail: (b) => b.detail,
};

const typescriptStencils: BackendEntry<StencilBackend> = {
  name: "typescript",
  summary: "plain TypeScript twins (src/pde/fused/)",
  load: () => ({ create: () => TS_KERNELS, detail: "src/pde/fused/*.ts" }),
  detail: (b) => b.detail,
};

/** The PDE stencil backends in preference order. */
export const stencilBackends = new BackendAxis<StencilBackend>({
  axis: "stencils",
  label: "PDE stencil",
  entries: [wasmSimdStencils, typescriptStencils],
});

/** Validates a `kernels` option (default "auto"): auto, a backend name, or — where the solver has one — generic. */
export function kernelChoice(v: string | undefined, generic = true): KernelChoice {
  if (v === undefined) return "auto";
  const choices: Record<string, true> = { auto: true };
  for (const n of stencilBackends.names()) choices[n] = true;
  if (generic) choices.generic = true;
  lookup(choices, v, "kernels");
  return v as KernelChoice;
}

/** The fused kernel set for a choice other than "generic" (a fresh wasm instance per call: its own memory). */
export function stageKernels(choice: Exclude<KernelChoice, "generic">): StageKernels {
  const backend = choice === "auto" ? stencilBackends.active().impl : stencilBackends.load(choice, "kernels");
  return backend.create();
}
