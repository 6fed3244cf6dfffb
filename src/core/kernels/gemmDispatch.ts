/**
 * The one entry point for GEMM. It routes to the fastest available backend; the plain-TypeScript
 * kernel is always there and is the default.
 */
import { gemm as gemmPlain } from "./matmul.ts";

export type GemmFn = typeof gemmPlain;

let active: GemmFn = gemmPlain;
let activeName = "typescript";

export function gemmDispatch(...args: Parameters<GemmFn>): void {
  active(...args);
}

/** Installs another GEMM backend (e.g. WebAssembly SIMD, native BLAS); returns the previous name. */
export function setGemmBackend(name: string, fn: GemmFn): string {
  const prev = activeName;
  active = fn;
  activeName = name;
  return prev;
}

export function gemmBackendName(): string {
  return activeName;
}
