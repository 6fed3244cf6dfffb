/**
 * The `wasm-relaxed` GEMM backend: gemm-relaxed.wasm, the relaxed-SIMD build of assembly/gemm.ts
 * (fused multiply-add), checked against the plain kernel when it loads. SHOCKLENS_WASM_RELAXED=0
 * switches it off.
 */
import type { BackendEntry } from "../registry.ts";
import type { GemmBackend } from "./types.ts";
import { wasmBackend } from "./wasmSimd.ts";

export const wasmRelaxedGemm: BackendEntry<GemmBackend> = {
  name: "wasm-relaxed",
  summary: "WebAssembly relaxed SIMD (FMA) build of assembly/gemm.ts",
  load: () => wasmBackend("relaxed"),
  detail: (b) => b.detail,
};
