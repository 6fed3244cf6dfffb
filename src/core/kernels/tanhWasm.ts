/**
 * tanh forward and backward in WebAssembly SIMD (assembly/tanh.ts → dist/wasm/tanh.wasm): the
 * same doubles as the plain loops of ./tanh.ts and ./fused.ts, bit for bit, without their
 * data-dependent branches (docs/performance.md §sgld-wasm-kernels). Operands are copied into the
 * module's fixed arena and the results out, in chunks of CHUNK elements.
 * SHOCKLENS_WASM_TANH=0 switches the kernels off (the plain loops then run).
 */
import { instantiateFixed, lazyWasm } from "./wasmFixed.ts";

interface TanhExports {
  tanh(x: number, out: number, n: number): void;
  biasTanh(x: number, b: number, rows: number, n: number): void;
  tanhBackward(g: number, y: number, dx: number, n: number): void;
}

/** Byte offset of the arena (below: the module's own). */
const BASE = 65536;
/** Elements per operand slot; the arena holds three slots. */
const CHUNK = 8192;

export class TanhWasm {
  private readonly E: TanhExports;
  private readonly heap: Float64Array;

  constructor(path: string) {
    const { exports, memory } = instantiateFixed<TanhExports>(path, BASE + 3 * CHUNK * 8);
    this.E = exports;
    this.heap = new Float64Array(memory);
  }

  /** out[i] = tanh(a[i]) (out may be a). */
  tanh(a: Float64Array, out: Float64Array): void {
    const h = this.heap,
      at = BASE >> 3,
      n = a.length;
    for (let i = 0; i < n; i += CHUNK) {
      const len = Math.min(CHUNK, n - i);
      h.set(i === 0 && len === n ? a : a.subarray(i, i + len), at);
      this.E.tanh(BASE, BASE, len);
      out.set(h.subarray(at, at + len), i);
    }
  }

  /** x[r, j] ← tanh(x[r, j] + b[j]) over rows × n (row-major, in place). */
  biasTanh(x: Float64Array, b: Float64Array, rows: number, n: number): void {
    const h = this.heap,
      at = BASE >> 3,
      bAt = at + CHUNK;
    if (n > CHUNK) {
      for (let r = 0, o = 0; r < rows; r++, o += n) {
        for (let j = 0; j < n; j++) x[o + j] = x[o + j] + b[j];
      }
      this.tanh(x.subarray(0, rows * n), x);
      return;
    }
    h.set(b.length === n ? b : b.subarray(0, n), bAt);
    const per = Math.max(1, Math.floor(CHUNK / n));
    for (let r = 0; r < rows; r += per) {
      const k = Math.min(per, rows - r),
        len = k * n,
        o = r * n;
      h.set(x.subarray(o, o + len), at);
      this.E.biasTanh(BASE, bAt * 8, k, n);
      x.set(h.subarray(at, at + len), o);
    }
  }

  /** dx[i] = g[i]·(1 − y[i]²) (dx may be g or y). */
  backward(g: Float64Array, y: Float64Array, dx: Float64Array): void {
    const h = this.heap,
      at = BASE >> 3,
      yAt = at + CHUNK,
      n = y.length;
    for (let i = 0; i < n; i += CHUNK) {
      const len = Math.min(CHUNK, n - i);
      h.set(len === n ? g : g.subarray(i, i + len), at);
      h.set(len === n ? y : y.subarray(i, i + len), yAt);
      this.E.tanhBackward(BASE, yAt * 8, BASE, len);
      dx.set(h.subarray(at, at + len), i);
    }
  }
}

const lazy = lazyWasm("tanh.wasm", "SHOCKLENS_WASM_TANH", (p) => new TanhWasm(p));

/** The tanh kernels, or null when tanh.wasm is not built or is switched off (see tanhWasmReason). */
export const tanhWasm = (): TanhWasm | null => lazy.get();
/** Why tanhWasm() returned null. */
export const tanhWasmReason = (): string => lazy.reason();
