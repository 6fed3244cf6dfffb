/** What a GEMM backend provides to the dispatch (src/core/backends/gemm/index.ts). */
import type { GemmFn } from "../../kernels/matmul.ts";
import type { StreamKernels } from "../../kernels/stream.ts";

export type { GemmFn };

/** C = Aᵀ·B (A: k × m, B: k × n, C: m × n, row-major from the offsets). */
export type TransAProduct = (
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  aOff: number,
  b: Float64Array,
  bOff: number,
  c: Float64Array,
  cOff: number,
) => void;

/**
 * A TransAProduct with the terms of A's zeros left out, giving `dgemm`'s bits for the same
 * product; false when it declined (C unspecified), and the caller then runs the dense product.
 */
export type SkipZerosFn = (...args: Parameters<TransAProduct>) => boolean;

export interface GemmBackend {
  /** C = op(A)·op(B), the contract of kernels/matmul.ts `gemm`. */
  dgemm: GemmFn;
  /** Products with fewer multiply-adds (m·n·k) stay on the plain kernel (or the small kernels). */
  minMulAdds: number;
  /** Products with fewer rows stay there too (the WebAssembly kernel pads rows to 4). */
  minRows: number;
  /** Whether small outer-product / row-vector products may go to the small WebAssembly kernels. */
  smallKernels: boolean;
  /** Threads for large products, the caller's included. */
  setThreads?(n: number): void;
  /** Its own streaming kernels (same results as the TypeScript ones), when it has them. */
  stream?: StreamKernels;
  /** Aᵀ·B skipping A's zeros with `dgemm`'s bits, where the backend has it (native OpenBLAS). */
  skipZerosTN?: SkipZerosFn;
  /** Whether skipZerosTN runs here, and why (or why not), for `shocklens doctor`. */
  skipZerosReport?(): { active: boolean; detail: string };
  /** The file or library behind it, for `shocklens doctor`. */
  detail: string;
}
