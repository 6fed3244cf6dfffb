/**
 * The one entry point for GEMM. It routes each product to the active backend — native OpenBLAS
 * (`native-blas`), WebAssembly SIMD (`wasm-simd`) or plain TypeScript (`typescript`) — except
 * products too small to pay for the call (and, for WebAssembly, the operand copies), which stay on
 * the plain-TypeScript kernel — or, for the outer-product and row-vector shapes of batch-of-one
 * gradients, to the small WebAssembly kernels (wasm/smallGemm.ts) when they are built. The plain
 * kernel is always there: it is the fallback when no faster backend loads, and the oracle the
 * others are tested against.
 *
 * At startup the backend is chosen from SHOCKLENS_GEMM (auto | native-blas | wasm-simd |
 * typescript; default auto = the fastest that loads) and the thread count from
 * SHOCKLENS_THREADS (default 1).
 */
import { gemm as gemmPlain, gemmBatchedSmall, type GemmFn } from "./matmul.ts";
import { loadNativeBlas, nativeBlasReason } from "./native.ts";
import { wasmGemm, wasmLoadError, wasmRelaxedNote } from "./wasm/wasmGemm.ts";
import { smallGemm, smallGemmReason, type SmallGemm } from "./wasm/smallGemm.ts";

export type { GemmFn };
export type GemmBackendName = "native-blas" | "wasm-simd" | "typescript";
export const GEMM_BACKENDS: readonly GemmBackendName[] = ["native-blas", "wasm-simd", "typescript"];

let active: GemmFn = gemmPlain;
let activeName: string = "typescript";
/** Products with fewer multiply-adds (m·n·k) than this use the plain kernel. */
let minWork = 0;
/** Products with fewer rows than this use the plain kernel (WebAssembly pads rows to 4). */
let minRows = 1;
let threads = 1;

/** Measured crossovers on a 2-core Zen VM: below these the plain kernel is as fast or faster. */
const MIN_WORK: Record<GemmBackendName, number> = { "native-blas": 4096, "wasm-simd": 6000, typescript: 0 };

export function gemmDispatch(
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  transA: boolean,
  b: Float64Array,
  bOff: number,
  transB: boolean,
  c: Float64Array,
  cOff: number,
): void {
  if (m * n * k < minWork || m < minRows) {
    if (small === null || !small.tryGemm(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff)) {
      gemmPlain(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff);
    }
  } else active(m, n, k, a, aOff, transA, b, bOff, transB, c, cOff);
}

/** The small-product kernels, used only while a built-in backend other than plain TypeScript is active. */
let small: SmallGemm | null = null;

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
  if (m * n * k < minWork || m < minRows) {
    gemmBatchedSmall(nb, m, n, k, a, 0, strideA, transA, b, 0, strideB, transB, c);
    return;
  }
  const mn = m * n;
  for (let t = 0; t < nb; t++) active(m, n, k, a, t * strideA, transA, b, t * strideB, transB, c, t * mn);
}

/**
 * Installs another GEMM backend under a name; returns the previous name. `minMulAdds`: products
 * below it keep using the plain kernel (default 0: everything goes to `fn`).
 */
export function setGemmBackend(name: string, fn: GemmFn, minMulAdds = 0, minM = 1): string {
  const prev = activeName;
  active = fn;
  activeName = name;
  minWork = minMulAdds;
  minRows = minM;
  return prev;
}

export function gemmBackendName(): string {
  return activeName;
}

/**
 * Selects a built-in backend: "auto" takes native-blas, then wasm-simd, then typescript, whichever
 * loads first. Throws when a named backend is not available. Returns the name now active.
 */
export function useGemmBackend(pref: GemmBackendName | "auto"): GemmBackendName {
  if (pref !== "auto" && !GEMM_BACKENDS.includes(pref))
    throw new Error(
      `GEMM backend ${String(pref)} is not available: unknown name (auto | ${GEMM_BACKENDS.join(" | ")})`,
    );
  const order: GemmBackendName[] = pref === "auto" ? ["native-blas", "wasm-simd", "typescript"] : [pref];
  for (const name of order) {
    if (name === "native-blas") {
      const blas = loadNativeBlas();
      if (!blas) continue;
      setGemmBackend(name, blas.dgemm, MIN_WORK[name]);
    } else if (name === "wasm-simd") {
      const w = wasmGemm();
      if (!w) continue;
      setGemmBackend(name, w.dgemm, MIN_WORK[name], 2);
    } else setGemmBackend(name, gemmPlain, 0);
    small = name === "typescript" ? null : smallGemm();
    applyThreads();
    return name;
  }
  const why = pref === "native-blas" ? nativeBlasReason() : wasmLoadError();
  throw new Error(`GEMM backend ${pref} is not available: ${why}`);
}

/** Threads for large products (the caller's thread included): OpenBLAS threads or wasm workers. */
export function setGemmThreads(n: number): number {
  threads = Math.max(1, Math.floor(n));
  applyThreads();
  return threads;
}

export function gemmThreads(): number {
  return threads;
}

function applyThreads(): void {
  if (activeName === "native-blas") loadNativeBlas()?.setThreads(threads);
  else if (activeName === "wasm-simd") wasmGemm()?.setThreads(threads);
}

export interface GemmInfo {
  backend: string;
  threads: number;
  minMulAdds: number;
  nativeBlas: { available: boolean; detail: string };
  /** `variant`: "relaxed-simd FMA" or "simd", the build of the WebAssembly GEMM that loaded. */
  wasmSimd: { available: boolean; detail: string; variant?: string };
  /** The WebAssembly kernels for small outer-product / row-vector products (in use or why not). */
  smallKernels: { active: boolean; detail: string };
}

/** Which backend is active and what could be loaded (for `shocklens doctor`). */
export function gemmInfo(): GemmInfo {
  const blas = loadNativeBlas();
  const w = wasmGemm();
  return {
    backend: activeName,
    threads,
    minMulAdds: minWork,
    nativeBlas: blas
      ? { available: true, detail: `${blas.config().trim()} (core ${blas.corename()}), ${blas.path}` }
      : { available: false, detail: nativeBlasReason() },
    wasmSimd: w
      ? {
          available: true,
          variant: w.variant,
          detail: `${w.variant}, ${w.path}${w.relaxed ? "" : ` (relaxed SIMD: ${wasmRelaxedNote()})`}`,
        }
      : { available: false, detail: wasmLoadError() },
    smallKernels: small
      ? { active: true, detail: small.path }
      : {
          active: false,
          detail: activeName === "typescript" ? "off with the plain-TypeScript backend" : smallGemmReason(),
        },
  };
}

function initFromEnvironment(): void {
  const env = (process.env.SHOCKLENS_GEMM ?? "auto").trim() || "auto";
  const t = Number(process.env.SHOCKLENS_THREADS ?? "1");
  threads = Number.isInteger(t) && t >= 1 ? t : 1;
  const pref =
    env === "auto" || (GEMM_BACKENDS as readonly string[]).includes(env) ? (env as GemmBackendName | "auto") : "auto";
  try {
    useGemmBackend(pref);
  } catch {
    // A forced backend that cannot load: fall back to the best one available.
    useGemmBackend("auto");
  }
}

initFromEnvironment();
