/** The `wasm-simd` GEMM backend: gemm.wasm, the plain-SIMD build of assembly/gemm.ts (multiply, then add). */
import type { BackendEntry } from "../registry.ts";
import type { GemmBackend } from "./types.ts";
import { loadWasmGemm } from "./wasmGemm.ts";

/** Measured crossover on a 2-core Zen VM: below 6000 multiply-adds the operand copies do not pay. */
const MIN_MUL_ADDS = 6000;

/** A WebAssembly GEMM build as a backend (shared by this entry and wasm-relaxed). */
export function wasmBackend(build: "relaxed" | "simd"): GemmBackend {
  const w = loadWasmGemm(build);
  return {
    dgemm: w.dgemm,
    minMulAdds: MIN_MUL_ADDS,
    minRows: 2,
    smallKernels: true,
    setThreads: (n) => w.setThreads(n),
    detail: `${w.variant}, ${w.path}`,
  };
}

export const wasmSimdGemm: BackendEntry<GemmBackend> = {
  name: "wasm-simd",
  summary: "WebAssembly SIMD build of assembly/gemm.ts",
  load: () => wasmBackend("simd"),
  detail: (b) => b.detail,
};
