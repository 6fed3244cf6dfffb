/**
 * The thin products of a compiled tanh plan in WebAssembly SIMD (assembly/thin.ts →
 * dist/wasm/thin.wasm), working in the plan's tanh memory (./tanhWasm.ts), where its activations
 * and cotangents already are: x·Wᵀ with k = 2 (dotShortK), x·wᵀ with one output column
 * (gemmDotContig's lone column) and the weight gradient gᵀx with fewer than four columns
 * (rowSumsThin). Each gives the plain kernel's doubles bit for bit (docs/performance.md
 * §sgld-wasm-kernels); the predicates below say for which products the plain GEMM (./matmul.ts)
 * takes exactly that kernel. SHOCKLENS_WASM_THIN=0 switches the module off.
 */
import { readFileSync } from "node:fs";
import { lazyWasm } from "./wasmLazy.ts";

interface ThinExports {
  dotK2(m: number, n: number, a: number, ars: number, w: number, c: number): void;
  dotCol(m: number, k: number, a: number, ars: number, w: number, c: number): void;
  rowSums(m: number, n: number, k: number, a: number, ars: number, acs: number, b: number, c: number): void;
  outer(m: number, n: number, a: number, b: number, c: number): void;
  vecmat(n: number, k: number, a: number, b: number, c: number): void;
}

/** The kernels over one memory; all operands are byte offsets into it, strides in elements. */
export class ThinWasm {
  private readonly E: ThinExports;
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    const abort = (): never => {
      throw new Error("thin.wasm aborted");
    };
    this.E = new WebAssembly.Instance(module, { env: { memory, abort } }).exports as unknown as ThinExports;
  }

  /** C[m, n] = A·Wᵀ, A's rows ars apart (k = 2), W stored [n, 2]: dotShortK's expression. */
  dotK2(m: number, n: number, a: number, ars: number, w: number, c: number): void {
    this.E.dotK2(m, n, a, ars, w, c);
  }

  /** c[m] = A·wᵀ, A's rows (k elements) ars apart, w of k elements: gemmDotContig's lone column. */
  dotCol(m: number, k: number, a: number, ars: number, w: number, c: number): void {
    this.E.dotCol(m, k, a, ars, w, c);
  }

  /** C[m, n] = op(A)·B, op(A)[i, p] = A[i·ars + p·acs], B [k, n] (k ≥ 2): rowSumsThin's expression. */
  rowSums(m: number, n: number, k: number, a: number, ars: number, acs: number, b: number, c: number): void {
    this.E.rowSums(m, n, k, a, ars, acs, b, c);
  }

  /** C[m, n] = a·b (a of m, b of n): small.wasm's `outer`, compiled from the same source (assembly/small.ts). */
  outer(m: number, n: number, a: number, b: number, c: number): void {
    this.E.outer(m, n, a, b, c);
  }

  /** c[n] = a·B (a of k, B [k, n]): small.wasm's `vecmat`, compiled from the same source. */
  vecmat(n: number, k: number, a: number, b: number, c: number): void {
    this.E.vecmat(n, k, a, b, c);
  }
}

/** The plain GEMM computes op(A)·op(B) with dotShortK at k = 2 (A as stored, B transposed). */
export const plainUsesDotK2 = (m: number, n: number, k: number, transA: boolean, transB: boolean): boolean =>
  !transA && transB && k === 2 && (m * n * k <= 4096 || m < 4 || n < 4);

/** …with gemmDotContig's lone-column sums (one column, k ≥ 4, A as stored, B transposed). */
export const plainUsesDotCol = (_m: number, n: number, k: number, transA: boolean, transB: boolean): boolean =>
  !transA && transB && n === 1 && k >= 4;

/** …with rowSumsThin (B as stored with fewer than four columns, k ≥ 2). */
export const plainUsesRowSums = (_m: number, n: number, k: number, _transA: boolean, transB: boolean): boolean =>
  !transB && n < 4 && k >= 2;

const lazyModule = lazyWasm("thin.wasm", "SHOCKLENS_WASM_THIN", (p) => new WebAssembly.Module(readFileSync(p)));

/** The kernels over `memory`, or null when thin.wasm is not built or is switched off (see thinWasmReason). */
export function thinWasmOver(memory: WebAssembly.Memory): ThinWasm | null {
  const m = lazyModule.get();
  return m === null ? null : new ThinWasm(m, memory);
}

/** Why thinWasmOver returned null. */
export const thinWasmReason = (): string => lazyModule.reason();
