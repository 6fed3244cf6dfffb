/**
 * The one entry point for GEMM and its backend axis. Each product goes to the active backend —
 * native OpenBLAS (`native-blas`), WebAssembly relaxed SIMD (`wasm-relaxed`) or SIMD
 * (`wasm-simd`), or plain TypeScript (`typescript`) — except products too small to pay for the
 * call (and, for WebAssembly, the operand copies), which stay on the plain-TypeScript kernel — or,
 * for the outer-product and row-vector shapes of batch-of-one gradients, go to the small
 * WebAssembly kernels (./small.ts) when they are built. The plain kernel is always there: it is
 * the oracle the others are tested against.
 *
 * Nothing is loaded at import. The first product selects the backend named by SHOCKLENS_GEMM
 * (auto | native-blas | wasm-relaxed | wasm-simd | typescript; default auto = the first of these
 * that loads) with SHOCKLENS_THREADS threads (default 1); `useGemmBackend` / `setGemmThreads`
 * select explicitly. A backend named there that cannot load is a BackendUnavailableError.
 */
import { gemm as gemmPlain, gemmBatchedSmall } from "../../kernels/matmul.ts";
import { typescriptStream, type StreamKernels } from "../../kernels/stream.ts";
import { fieldError, integer } from "../../../validate.ts";
import { BackendAxis } from "../registry.ts";
import { nativeBlasGemm } from "./nativeBlas.ts";
import { smallGemm, smallGemmReason, type SmallGemm } from "./small.ts";
import { typescriptGemm } from "./typescript.ts";
import type { GemmBackend, GemmFn, SkipZerosFn, TransAProduct } from "./types.ts";
import { wasmRelaxedGemm } from "./wasmRelaxed.ts";
import { wasmSimdGemm } from "./wasmSimd.ts";

export type { GemmBackend, GemmFn, TransAProduct };

/** The GEMM backends in preference order ("auto" takes the first that loads). */
export const gemmBackends = new BackendAxis<GemmBackend>({
  axis: "gemm",
  label: "GEMM",
  envVar: "SHOCKLENS_GEMM",
  entries: [nativeBlasGemm, wasmRelaxedGemm, wasmSimdGemm, typescriptGemm],
  activate: (b) => route(b),
});

let ready = false;
let active: GemmFn = gemmPlain;
/** Products with fewer multiply-adds (m·n·k) than this use the plain kernel. */
let minWork = 0;
/** Products with fewer rows than this use the plain kernel (WebAssembly pads rows to 4). */
let minRows = 1;
/** The active backend's Aᵀ·B that skips A's zeros, if it has one. */
let skipZeros: SkipZerosFn | undefined;
/** The small-product kernels, used only while a backend that allows them is active. */
let small: SmallGemm | null = null;
let threads: number | undefined;
/** The active backend's streaming kernels, else the TypeScript ones. */
let stream: StreamKernels = typescriptStream;

function route(b: GemmBackend): void {
  active = b.dgemm;
  minWork = b.minMulAdds;
  minRows = b.minRows;
  small = b.smallKernels ? smallGemm() : null;
  stream = b.stream ?? typescriptStream;
  skipZeros = b.skipZerosTN;
  const t = gemmThreads();
  b.setThreads?.(t);
  ready = true;
}

/** Selects the backend from the environment on the first product. */
function selectFromEnvironment(): void {
  gemmBackends.active();
}

/** Whether an m×n×k product is below the active backend's size thresholds (the small kernels' or the plain one's). */
function belowThreshold(m: number, n: number, k: number): boolean {
  return m * n * k < minWork || m < minRows;
}

/** C = op(A)·op(B) on the active backend (small products: the small kernels or the plain one). */
export const gemmDispatch: GemmFn = (m, n, k, a, aOff, transA, b, bOff, transB, c, cOff) => {
  if (!ready) selectFromEnvironment();
  if (belowThreshold(m, n, k)) {
    if (small === null || !small.tryGemm(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff)) {
      gemmPlain(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff);
    }
  } else active(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff);
};

/** Fewer rows than this (k) leave too few zeros to repay listing them: the dense product runs. */
export const SKIP_ZEROS_MIN_ROWS = 16;
/**
 * Nor do products under this many multiply-adds (about 0.1 ms): there the call, the probe lookup
 * and the counting pass cost as much as the zeros save.
 */
export const SKIP_ZEROS_MIN_MUL_ADDS = 1 << 18;

/**
 * C = Aᵀ·B (A: k × m, B: k × n), the product gemmDispatch(m, n, k, a, aOff, true, b, bOff, false,
 * c, cOff) computes, with the same bits; where the active backend can, the terms of A's exact zeros
 * are left out (docs/performance.md §skipping-relu-zeros) — the weight gradient gᵀ·a of a relu
 * layer, whose cotangent g is zero wherever a unit was off, costs about two thirds of the dense
 * product. Falls back to gemmDispatch whenever the backend declines.
 */
export const gemmTransASkippingZeros: TransAProduct = (m, n, k, a, aOff, b, bOff, c, cOff) => {
  if (!ready) selectFromEnvironment();
  const tried = skipZeros !== undefined && k >= SKIP_ZEROS_MIN_ROWS && m * n * k >= SKIP_ZEROS_MIN_MUL_ADDS;
  if (!tried || !skipZeros!(m, n, k, a, aOff, b, bOff, c, cOff)) gemmTransA(m, n, k, a, aOff, b, bOff, c, cOff);
};

/** C = Aᵀ·B through gemmDispatch (the dense product, in gemmTransASkippingZeros's argument order). */
export const gemmTransA: TransAProduct = (m, n, k, a, aOff, b, bOff, c, cOff) =>
  gemmDispatch(m, n, k, a, aOff, true, b, bOff, false, c, cOff);

/**
 * Whether gemmDispatch sends an m×n×k product to the plain kernel (../../kernels/matmul.ts) on
 * the active backend: below its size threshold and not one the small WebAssembly kernels take
 * (routesToSmallGemm). Kernels that reproduce the plain kernel's expressions may stand in for it
 * exactly when this holds (../../kernels/thinWasm.ts).
 */
export function routesToPlainGemm(m: number, n: number, k: number): boolean {
  if (!ready) selectFromEnvironment();
  return belowThreshold(m, n, k) && (small === null || !small.takes(m, n, k));
}

/**
 * Whether gemmDispatch sends an m×n×k product to the small WebAssembly kernels (./small.ts:
 * `outer` for k = 1, else `vecmat` or `vecmatT` by transB) on the active backend. Kernels built
 * from the same source over another memory may stand in for them exactly when this holds
 * (src/compiled/thinProducts.ts).
 */
export function routesToSmallGemm(m: number, n: number, k: number): boolean {
  if (!ready) selectFromEnvironment();
  return belowThreshold(m, n, k) && small !== null && small.takes(m, n, k);
}

/**
 * The element-wise passes of a dense layer's step (bias + activation, relu's mask, column sums,
 * the SGD update) on the active backend: its own kernels where it has them (native OpenBLAS: C
 * loops in the same addon), the TypeScript ones otherwise — the same numbers either way.
 */
export function streamKernels(): StreamKernels {
  if (!ready) selectFromEnvironment();
  return stream;
}

/**
 * Which streaming kernel gemmBatched hands its small products of this shape to on the active
 * backend: "dot" (dotBatched: A·Bᵀ with k ≥ 4 is gemmSmall's dot-product form), "rows"
 * (rowsBatched: op(A)·B with n ≥ 4, k ≥ 2, its scaled-rows form — attention's A·V and the reverse
 * products), or null (a GEMM per product, or the batched plain loop). The same sums in the same
 * order as gemmSmall either way (native: in C), so kernels with the same expressions on other
 * layouts (the heads of ../../kernels/attentionHeads.ts) may stand in exactly when this is not null.
 */
export function batchedStreamForm(
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): "dot" | "rows" | null {
  if (!ready) selectFromEnvironment();
  if (!belowThreshold(m, n, k)) return null;
  if (!transA && transB && k >= 4) return "dot";
  if (!transB && n >= 4 && k >= 2) return "rows";
  return null;
}

/**
 * nb products C_t = op(A_t)·op(B_t) into c ([nb, m, n]); A_t starts at t·strideA, B_t at
 * t·strideB (0: broadcast). Small products run as one batched plain loop.
 */
export function gemmBatched(
  nb: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  strideA: number,
  transA: boolean,
  b: Float64Array,
  strideB: number,
  transB: boolean,
  c: Float64Array,
): void {
  if (!ready) selectFromEnvironment();
  if (belowThreshold(m, n, k)) {
    const form = batchedStreamForm(m, n, k, transA, transB);
    if (form === "dot") return stream.dotBatched(nb, m, n, k, a, strideA, b, strideB, c);
    if (form === "rows") return stream.rowsBatched(nb, m, n, k, a, strideA, transA, b, strideB, c);
    gemmBatchedSmall(nb, m, n, k, a, 0, strideA, transA, b, 0, strideB, transB, c);
    return;
  }
  const mn = m * n;
  for (let t = 0; t < nb; t++) active(m, n, k, a, t * strideA, transA, b, t * strideB, transB, c, t * mn);
}

/**
 * Selects a GEMM backend: a name (a BackendUnavailableError when it cannot load) or "auto" (the
 * first in preference order that loads). Returns the name now active.
 */
export function useGemmBackend(pref: string): string {
  return gemmBackends.use(pref);
}

/** The active backend's name (selecting it from the environment if no product has run yet). */
export function gemmBackendName(): string {
  return gemmBackends.active().name;
}

/** Threads for large products (the caller's thread included): OpenBLAS threads or wasm workers. */
export function setGemmThreads(n: number): number {
  threads = integer(n, "threads", 1, 1024);
  if (ready) gemmBackends.active().impl.setThreads?.(threads);
  return threads;
}

/** The thread count: as set, else SHOCKLENS_THREADS (read at first use), else 1. */
export function gemmThreads(): number {
  if (threads === undefined) {
    const v = (process.env.SHOCKLENS_THREADS ?? "").trim();
    const t = v === "" ? 1 : Number(v);
    if (!Number.isInteger(t) || t < 1 || t > 1024) throw fieldError("SHOCKLENS_THREADS", "an integer in [1, 1024]", v);
    threads = t;
  }
  return threads;
}

export interface GemmInfo {
  backend: string;
  /** The active backend's file or library. */
  detail: string;
  threads: number;
  minMulAdds: number;
  /** The WebAssembly kernels for small outer-product / row-vector products (in use or why not). */
  smallKernels: { active: boolean; detail: string };
  /** Whether Aᵀ·B products skip A's zeros (docs/performance.md §skipping-relu-zeros), or why not. */
  skipZeros: { active: boolean; detail: string };
}

/** The active backend and how small products are routed (selects from the environment if needed). */
export function gemmInfo(): GemmInfo {
  const { name, impl } = gemmBackends.active();
  return {
    backend: name,
    detail: impl.detail,
    threads: gemmThreads(),
    minMulAdds: minWork,
    smallKernels: small
      ? { active: true, detail: small.path }
      : {
          active: false,
          detail: impl.smallKernels ? smallGemmReason() : `off with the ${name} backend`,
        },
    skipZeros: impl.skipZerosReport?.() ?? { active: false, detail: `not with the ${name} backend` },
  };
}
