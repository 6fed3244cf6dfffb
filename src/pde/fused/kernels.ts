/**
 * The fused stencil kernels behind the fast paths of solveBurgers1d and solveHeat2d, and their
 * backend axis in the one backend registry (core/backends/registry.ts): `wasm-simd`
 * (assembly/pde.ts, loaded from the built pde.wasm by ./wasm.ts) and `typescript`, the
 * plain-TypeScript twins of this folder. Both evaluate the same operations per value, so they
 * agree to rounding; the generic method-of-lines solver (spatial.ts + timestep.ts) is their oracle.
 *
 * Which set runs is an option of the solvers and steppers, `kernels`:
 *   "auto" (default)  the axis' active backend, selected as the GEMM's is: the one
 *                     `useBackend("stencils", name)` selected, else the one SHOCKLENS_STENCILS
 *                     names (read at first use; a named one that cannot load is an error), else
 *                     the first that loads (WebAssembly-SIMD when pde.wasm is built);
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
import type { StageKernels } from "./types.ts";
import { wenoStage } from "./weno5.ts";

export type KernelChoice = "auto" | "wasm-simd" | "typescript" | "generic";
export type { FusedKernelName, StageKernels } from "./types.ts";

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
  envVar: "SHOCKLENS_STENCILS",
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
