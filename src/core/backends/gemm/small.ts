/**
 * The WebAssembly-SIMD kernels for small products (assembly/small.ts → dist/wasm/small.wasm):
 * the outer product (k = 1) and row-vector × matrix (m = 1, B or Bᵀ) shapes of batch-of-one
 * gradients. Below the size where BLAS or the blocked WebAssembly GEMM pay for their call, these
 * products otherwise run in the plain-TypeScript loops, at about 1 ns per multiply-add in V8;
 * here, with the operands copied into the module's memory and the result copied out, a 32×32
 * product costs about half of that.
 *
 * `trySmallGemm` takes the shapes it handles and fits, and returns false for everything else (the
 * caller then runs the plain kernel). SHOCKLENS_WASM_SMALL=0 switches these kernels off.
 */
import { readFileSync } from "node:fs";
import type { GemmFn } from "../../kernels/matmul.ts";
import { findBuiltWasm } from "../locate.ts";

interface SmallExports {
  memory: WebAssembly.Memory;
  outer(m: number, n: number, a: number, b: number, c: number): void;
  vecmat(n: number, k: number, a: number, b: number, c: number): void;
  vecmatT(n: number, k: number, a: number, b: number, c: number): void;
}

/** Byte offset of the operand arena (below: the module's own). */
const BASE = 65536;
/** Operands of at most this many doubles in all (a, b and c) fit in the arena. */
const ARENA_DOUBLES = 64 * 1024;
/** Products with fewer multiply-adds than this stay in the plain loops (a call costs ~0.1 µs). */
export const SMALL_MIN_WORK = 256;

export function findSmallWasm(): string | null {
  return findBuiltWasm("small.wasm");
}

export class SmallGemm {
  readonly path: string;
  private readonly heap: Float64Array;
  // The kernels as fields of this object: a WebAssembly exports object is a frozen object with a
  // null prototype, whose properties V8 reads through a generic load on every product.
  private readonly outer: SmallExports["outer"];
  private readonly vecmat: SmallExports["vecmat"];
  private readonly vecmatT: SmallExports["vecmatT"];

  constructor(path: string) {
    this.path = path;
    const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), { env: { abort: wasmAbort } });
    const E = inst.exports as unknown as SmallExports;
    // The module is built with all the memory it needs. Growing it would detach its ArrayBuffer,
    // and the first detach in a process makes V8 check for detachment on every typed-array access
    // from then on (scripts/build-wasm.mjs), so a module without enough memory is not used.
    const need = BASE + ARENA_DOUBLES * 8;
    if (E.memory.buffer.byteLength < need)
      throw new Error(`small.wasm: ${E.memory.buffer.byteLength} bytes of memory, needs ${need}`);
    this.heap = new Float64Array(E.memory.buffer);
    this.outer = E.outer;
    this.vecmat = E.vecmat;
    this.vecmatT = E.vecmatT;
  }

  /** Whether tryGemm takes an m×n×k product: k = 1 (outer) or m = 1 (vecmat, vecmatT), enough work, operands that fit. */
  takes(m: number, n: number, k: number): boolean {
    return m * n * k >= SMALL_MIN_WORK && m * k + k * n + m * n + 8 <= ARENA_DOUBLES && (k === 1 || m === 1);
  }

  /**
   * C[m,n] = op(A)·op(B) (overwriting C) when the shape is one of the handled ones — k = 1, or
   * m = 1 — and the operands fit the arena; returns false (C untouched) otherwise.
   */
  tryGemm: (...args: Parameters<GemmFn>) => boolean = (m, n, k, a, aOff, _transA, b, bOff, transB, c, cOff) => {
    if (!this.takes(m, n, k)) return false;
    // With k = 1 or m = 1, op(A) is contiguous whatever transA says (a column or a row of A).
    const h = this.heap;
    const A = BASE >> 3;
    const B = A + ((m * k + 1) & ~1);
    const C = B + ((k * n + 1) & ~1);
    copyIn(h, A, a, aOff, m * k);
    copyIn(h, B, b, bOff, k * n);
    if (k === 1)
      this.outer(m, n, A * 8, B * 8, C * 8); // op(B) is a row of n either way
    else if (transB) this.vecmatT(n, k, A * 8, B * 8, C * 8);
    else this.vecmat(n, k, A * 8, B * 8, C * 8);
    const len = m * n;
    if (len <= SHORT) for (let i = 0; i < len; i++) c[cOff + i] = h[C + i];
    else c.set(h.subarray(C, C + len), cOff);
    return true;
  };
}

/** Up to this many doubles, a copy loop is cheaper than creating a subarray view for `set`. */
const SHORT = 64;

function copyIn(h: Float64Array, at: number, x: Float64Array, off: number, len: number): void {
  if (off === 0 && x.length === len) h.set(x, at);
  else if (len <= SHORT) for (let i = 0; i < len; i++) h[at + i] = x[off + i];
  else h.set(x.subarray(off, off + len), at);
}

let loaded: SmallGemm | null | undefined;
let reason = "";

/** The small-product kernels, or null when small.wasm is not built or switched off (see smallGemmReason). */
export function smallGemm(): SmallGemm | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.SHOCKLENS_WASM_SMALL === "0") {
    reason = "switched off (SHOCKLENS_WASM_SMALL=0)";
    return null;
  }
  const path = findSmallWasm();
  if (path === null) {
    reason = "small.wasm not built (run `npm run build`)";
    return null;
  }
  try {
    loaded = new SmallGemm(path);
  } catch (e) {
    reason = `${path}: ${e instanceof Error ? e.message : String(e)}`;
  }
  return loaded;
}

/** Why smallGemm() returned null. */
export function smallGemmReason(): string {
  return reason;
}

function wasmAbort(): never {
  throw new Error("small.wasm aborted");
}
