/**
 * The optional native GEMM: the `shocklens-blas` package (native/blas), an N-API addon over
 * OpenBLAS's cblas_dgemm / cblas_sgemm. It is an optionalDependency whose install step builds
 * only where OpenBLAS is present; `loadNativeBlas()` returns null (with a reason) otherwise.
 */
import { createRequire } from "node:module";
import type { GemmFn } from "./matmul.ts";

export interface NativeBlas {
  dgemm: GemmFn;
  sgemm: (
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aOff: number,
    transA: boolean,
    b: Float32Array,
    bOff: number,
    transB: boolean,
    c: Float32Array,
    cOff: number,
  ) => void;
  setThreads(n: number): void;
  getThreads(): number;
  config(): string;
  corename(): string;
  path: string;
}

let loaded: NativeBlas | null | undefined;
let reason = "";

export function loadNativeBlas(): NativeBlas | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    const require = createRequire(import.meta.url);
    const mod = require("shocklens-blas") as { available: boolean; reason: string } & Partial<NativeBlas>;
    if (mod.available && typeof mod.dgemm === "function") {
      loaded = mod as NativeBlas;
      // One thread unless asked otherwise (OpenBLAS would start one per core).
      loaded.setThreads(1);
    } else reason = mod.reason || "shocklens-blas is not available";
  } catch (e) {
    reason = `shocklens-blas is not installed (${e instanceof Error ? e.message.split("\n")[0] : String(e)})`;
  }
  return loaded;
}

export function nativeBlasReason(): string {
  return reason;
}
