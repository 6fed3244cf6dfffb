/**
 * tanh forward and backward in WebAssembly SIMD (assembly/tanh.ts → dist/wasm/tanh.wasm): the
 * same doubles as the plain loops of ./tanh.ts and ./fused.ts, bit for bit, without their
 * data-dependent branches (docs/performance.md §sgld-wasm-kernels).
 *
 * The module imports its memory, and an instance is made over a memory sized once (never grown:
 * no detached ArrayBuffer). Arrays that are views of that memory — a compiled plan allocates its
 * activations and cotangents there with `alloc` — are worked on in place; any other array is
 * copied into the instance's arena and back, in chunks of CHUNK elements.
 * SHOCKLENS_WASM_TANH=0 switches the kernels off (the plain loops then run).
 */
import { readFileSync } from "node:fs";
import { lazyWasm } from "./wasmLazy.ts";

interface TanhExports {
  tanh(x: number, out: number, n: number): number;
  tanhSplit(x: number, out: number, n: number): number;
  biasTanh(x: number, b: number, rows: number, n: number): void;
  tanhBackward(g: number, y: number, dx: number, n: number): void;
}

/** Bytes below the arena (the module has no data of its own; this keeps address 0 clear). */
const BASE = 65536;
const PAGE = 65536;
/** Elements per operand slot of the copying path; the arena holds three slots. */
export const CHUNK = 8192;
const ARENA = 3 * CHUNK * 8;

/** A call site of tanhAtSite: which kernel its next call takes. */
export class TanhSite {
  split = false;
}

export class TanhWasm {
  private readonly E: TanhExports;
  private readonly buffer: ArrayBuffer;
  /** The instance's memory (other modules that work on the plan's buffers import it too: ./thinWasm.ts). */
  readonly memory: WebAssembly.Memory;
  private readonly heap: Float64Array;
  /** Next free byte of the in-place region (above the arena). */
  private next = BASE + ARENA;

  /** An instance whose memory also holds `doubles` elements for `alloc` (views worked on in place). */
  constructor(module: WebAssembly.Module, doubles = 0) {
    const memory = new WebAssembly.Memory({ initial: Math.ceil((BASE + ARENA + doubles * 8 + 1024) / PAGE) });
    const abort = (): never => {
      throw new Error("tanh.wasm aborted");
    };
    this.E = new WebAssembly.Instance(module, { env: { memory, abort } }).exports as unknown as TanhExports;
    this.memory = memory;
    this.buffer = memory.buffer;
    this.heap = new Float64Array(this.buffer);
  }

  /** A zeroed array of n elements in this instance's memory (16-byte aligned), or null when it is full. */
  alloc(n: number): Float64Array | null {
    const at = (this.next + 15) & ~15;
    if (at + n * 8 > this.buffer.byteLength) return null;
    this.next = at + n * 8;
    return new Float64Array(this.buffer, at, n);
  }

  private owns(x: Float64Array): boolean {
    return x.buffer === this.buffer;
  }

  /** The byte offset of `x`, a view of this instance's memory (from `alloc`), for the …At kernels. */
  offsetOf(x: Float64Array): number {
    if (!this.owns(x)) throw new Error("tanh.wasm: the array is not in this instance's memory");
    return x.byteOffset;
  }

  /** tanh over n elements at byte offsets of this memory (out may be x). */
  tanhAt(x: number, out: number, n: number): void {
    this.E.tanh(x, out, n);
  }

  /** tanhAt by the block-split kernel (no branch per lane pair; the same doubles). */
  tanhSplitAt(x: number, out: number, n: number): void {
    this.E.tanhSplit(x, out, n);
  }

  /**
   * tanhAt by whichever kernel suits the data `site` saw on its previous call (the same doubles
   * either way): the split kernel while more than 2 % of the lanes lie at or above 0.625, the
   * branching one while fewer than 4 % of the lane pairs have a lane there (on a network's first
   * layer about one pair in six does, on its second almost none).
   */
  tanhAtSite(site: TanhSite, x: number, out: number, n: number): void {
    if (site.split) site.split = this.E.tanhSplit(x, out, n) * 50 > n;
    else site.split = this.E.tanh(x, out, n) * 25 > n >> 1;
  }

  /** biasTanh on rows × n elements at byte offset x of this memory (n ≤ CHUNK, else use biasTanh). */
  biasTanhAt(x: number, b: Float64Array, rows: number, n: number): void {
    const h = this.heap,
      bAt = (BASE >> 3) + CHUNK;
    for (let j = 0; j < n; j++) h[bAt + j] = b[j];
    this.E.biasTanh(x, bAt * 8, rows, n);
  }

  /** The backward pass over n elements at byte offsets of this memory. */
  backwardAt(g: number, y: number, dx: number, n: number): void {
    this.E.tanhBackward(g, y, dx, n);
  }

  /** out[i] = tanh(a[i]) (out may be a). */
  tanh(a: Float64Array, out: Float64Array): void {
    const n = a.length;
    if (this.owns(a) && this.owns(out)) {
      this.E.tanh(a.byteOffset, out.byteOffset, n);
      return;
    }
    const h = this.heap,
      at = BASE >> 3;
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
    if (n <= 64) for (let j = 0; j < n; j++) h[bAt + j] = b[j];
    else h.set(b.length === n ? b : b.subarray(0, n), bAt);
    if (this.owns(x)) {
      this.E.biasTanh(x.byteOffset, bAt * 8, rows, n);
      return;
    }
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
    const n = y.length;
    if (this.owns(g) && this.owns(y) && this.owns(dx)) {
      this.E.tanhBackward(g.byteOffset, y.byteOffset, dx.byteOffset, n);
      return;
    }
    const h = this.heap,
      at = BASE >> 3,
      yAt = at + CHUNK;
    for (let i = 0; i < n; i += CHUNK) {
      const len = Math.min(CHUNK, n - i);
      h.set(len === n ? g : g.subarray(i, i + len), at);
      h.set(len === n ? y : y.subarray(i, i + len), yAt);
      this.E.tanhBackward(BASE, yAt * 8, BASE, len);
      dx.set(h.subarray(at, at + len), i);
    }
  }
}

const lazyModule = lazyWasm("tanh.wasm", "SHOCKLENS_WASM_TANH", (p) => new WebAssembly.Module(readFileSync(p)));
let shared: TanhWasm | null | undefined;

/** The shared instance (arrays copied in and out), or null when tanh.wasm is not built or is switched off (see tanhWasmReason). */
export function tanhWasm(): TanhWasm | null {
  if (shared === undefined) {
    const m = lazyModule.get();
    shared = m === null ? null : new TanhWasm(m);
  }
  return shared;
}

/** An instance of its own with room for `doubles` elements to `alloc` (a compiled plan's buffers), or null as tanhWasm. */
export function tanhWasmWithRoom(doubles: number): TanhWasm | null {
  const m = lazyModule.get();
  return m === null ? null : new TanhWasm(m, doubles);
}

/** Why tanhWasm() returned null. */
export const tanhWasmReason = (): string => lazyModule.reason();
