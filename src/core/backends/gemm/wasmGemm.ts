/**
 * The WebAssembly-SIMD GEMM: loads a build of assembly/gemm.ts (compiled by scripts/build-wasm.mjs
 * at build time; never committed), owns one shared linear memory, and exposes `dgemm` with the
 * signature of the plain-TypeScript kernel. The backends wasm-relaxed.ts and wasm-simd.ts are its
 * two builds.
 *
 * Memory layout (bytes): [0, 64 KiB) the module's own; then a control block for the worker
 * threads; then per-thread packing scratch; then the operand arena where A, B and C are copied
 * for each call (one `set` each way: copying costs far less than the product above the dispatch
 * threshold). The memory is a shared WebAssembly.Memory so that worker threads (./pool.ts) can
 * compute slices of one product in place.
 *
 * Two builds of the one source: `gemm-relaxed.wasm` (relaxed SIMD: the micro-kernels multiply-add
 * with a fused FMA, about 1.25× the speed on an x64 CPU with FMA) and `gemm.wasm` (plain SIMD).
 * Node 20 compiles relaxed SIMD only behind a V8 flag, which is set at runtime, before the module
 * is compiled, when the module does not compile without it; the feature being experimental there,
 * the relaxed build is checked once at load against the plain-TypeScript kernel.
 * SHOCKLENS_WASM_RELAXED=0 switches the relaxed build off; SHOCKLENS_WASM names one module file
 * explicitly (of either build).
 */
import { existsSync, readFileSync } from "node:fs";
import v8 from "node:v8";
import { gemm as gemmPlain, type GemmFn } from "../../kernels/matmul.ts";
import { findBuiltWasm } from "../locate.ts";
import { WorkerPool } from "./pool.ts";

const PAGE = 65536;
const MAX_PAGES = 32768; // 2 GiB
const CTRL = 65536; // control block (see pool.ts), 4 KiB
const SCRATCH0 = CTRL + 4096;

export interface WasmExports {
  /** 1 in the relaxed-SIMD build (absent from builds older than it). */
  RELAXED_SIMD?: WebAssembly.Global;
  KC: WebAssembly.Global;
  MC: WebAssembly.Global;
  NC: WebAssembly.Global;
  dgemm(
    m: number,
    n: number,
    k: number,
    a: number,
    lda: number,
    tA: number,
    b: number,
    ldb: number,
    tB: number,
    c: number,
    ldc: number,
    acc: number,
    packA: number,
    packB: number,
    tile: number,
  ): void;
}

/** The file of a build: the one SHOCKLENS_WASM names, else the built module (see ../locate.ts); throws when absent. */
export function wasmGemmPath(file: "gemm.wasm" | "gemm-relaxed.wasm"): string {
  const env = process.env.SHOCKLENS_WASM;
  if (env) {
    if (!existsSync(env)) throw new Error(`SHOCKLENS_WASM names ${env}, which does not exist`);
    return env;
  }
  const p = findBuiltWasm(file);
  if (p === null) throw new Error(`${file} not built (run \`npm run build\`)`);
  return p;
}

/** False when SHOCKLENS_WASM_RELAXED=0 (or "false", "off", "no") asks for the plain-SIMD build. */
export function relaxedSimdAllowed(): boolean {
  return !/^(0|false|off|no)$/i.test((process.env.SHOCKLENS_WASM_RELAXED ?? "").trim());
}

/**
 * Compiles a module; one that does not compile as it is (relaxed SIMD on Node 20) is compiled
 * again after enabling V8's relaxed-SIMD flag, unless SHOCKLENS_WASM_RELAXED=0. The flag is
 * process-wide, so the worker threads, which receive the compiled module, need nothing more.
 */
function compileModule(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    if (!relaxedSimdAllowed()) throw e;
    v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
    return new WebAssembly.Module(bytes);
  }
}

/** Scratch of one thread: packing buffers and an edge tile (byte offsets). */
interface Scratch {
  packA: number;
  packB: number;
  tile: number;
}

export class WasmGemm {
  readonly path: string;
  /** Whether this is the relaxed-SIMD (FMA) build. */
  readonly relaxed: boolean;
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: WasmExports;
  private f64: Float64Array;
  private readonly scratch: Scratch[] = [];
  private arena: number;
  private pool: WorkerPool | null = null;
  private threads = 1;
  /** Products with at least this many multiply-adds are split over the worker threads. */
  parallelMinFlops = 3e6;

  constructor(path: string) {
    this.path = path;
    this.module = compileModule(readFileSync(path));
    this.memory = new WebAssembly.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
    const inst = new WebAssembly.Instance(this.module, { env: { memory: this.memory, abort: wasmAbort } });
    this.exports = inst.exports as unknown as WasmExports;
    this.relaxed = this.exports.RELAXED_SIMD?.value === 1;
    this.f64 = new Float64Array(this.memory.buffer);
    this.arena = SCRATCH0;
    this.addScratch();
    if (this.relaxed) this.selfCheck();
  }

  /** "relaxed-simd FMA" or "simd": which build this is. */
  get variant(): string {
    return this.relaxed ? "relaxed-simd FMA" : "simd";
  }

  /**
   * Throws unless dgemm matches the plain-TypeScript kernel on a few small products
   * (edge tiles, transposes) to within rounding: |Δ| ≤ tol · Σ|a||b| per entry. An
   * FMA rounds once where mul + add rounds twice, so the results differ in the last bits only.
   */
  private selfCheck(): void {
    const shapes: [number, number, number, boolean, boolean][] = [
      [5, 6, 37, false, true],
      [6, 9, 5, true, false],
      [8, 4, 8, true, true],
    ];
    for (const [m, n, k, tA, tB] of shapes) {
      const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(0.37 * i + 1));
      const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(0.23 * i + 2));
      const bound = new Float64Array(m * n),
        want = new Float64Array(m * n),
        got = new Float64Array(m * n);
      gemmPlain(m, n, k, a.map(Math.abs), 0, tA, b.map(Math.abs), 0, tB, bound, 0);
      gemmPlain(m, n, k, a, 0, tA, b, 0, tB, want, 0);
      this.dgemm(m, n, k, a, 0, tA, b, 0, tB, got, 0);
      for (let i = 0; i < m * n; i++) {
        // Written so that NaN fails too.
        if (!(Math.abs(got[i] - want[i]) <= 1e-13 * bound[i])) {
          throw new Error(
            `${this.path}: the relaxed-SIMD kernel disagrees with the plain kernel on ${m}×${k}·${k}×${n}`,
          );
        }
      }
    }
  }

  get kc(): number {
    return this.exports.KC.value as number;
  }
  get mc(): number {
    return this.exports.MC.value as number;
  }
  get nc(): number {
    return this.exports.NC.value as number;
  }

  private addScratch(): Scratch {
    const align = (x: number) => (x + 63) & ~63;
    const packA = this.arena;
    const packB = align(packA + this.mc * this.kc * 8);
    const tile = align(packB + this.kc * this.nc * 8);
    const s = { packA, packB, tile };
    this.arena = align(tile + 1024);
    this.ensure(this.arena);
    this.scratch.push(s);
    return s;
  }

  /** Grows the memory to hold `bytes`; false when that exceeds the maximum. */
  private ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) {
      const pages = Math.ceil((bytes - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES) return false;
      this.memory.grow(pages);
    }
    if (this.f64.buffer.byteLength !== this.memory.buffer.byteLength) this.f64 = new Float64Array(this.memory.buffer);
    return true;
  }

  /** Number of threads (the caller's plus workers) used for large products; returns the count in use. */
  setThreads(n: number): number {
    const want = Math.max(1, Math.floor(n));
    if (want === this.threads) return this.threads;
    this.pool?.close();
    this.pool = null;
    this.threads = 1;
    if (want > 1) {
      while (this.scratch.length < want) this.addScratch();
      try {
        this.pool = new WorkerPool(this.module, this.memory, CTRL, want - 1);
        this.threads = want;
      } catch {
        this.pool = null;
      }
    }
    return this.threads;
  }

  getThreads(): number {
    return this.threads;
  }

  /** C = op(A)·op(B); same contract as kernels/matmul.ts `gemm`. */
  dgemm: GemmFn = (m, n, k, a, aOff, transA, b, bOff, transB, c, cOff) => {
    const na = m * k,
      nb = k * n,
      nc = m * n;
    const pa = this.arena;
    const pb = (pa + na * 8 + 63) & ~63;
    const pc = (pb + nb * 8 + 63) & ~63;
    if (!this.ensure(pc + nc * 8)) throw new RangeError(`wasm gemm: ${m}×${k}·${k}×${n} does not fit in memory`);
    const h = this.f64;
    h.set(na === a.length && aOff === 0 ? a : a.subarray(aOff, aOff + na), pa >>> 3);
    h.set(nb === b.length && bOff === 0 ? b : b.subarray(bOff, bOff + nb), pb >>> 3);
    this.run(m, n, k, pa, transA ? m : k, transA, pb, transB ? k : n, transB, pc);
    c.set(h.subarray(pc >>> 3, (pc >>> 3) + nc), cOff);
  };

  /** Runs one product on operands already in memory, split over the threads when it pays. */
  private run(
    m: number,
    n: number,
    k: number,
    pa: number,
    lda: number,
    tA: boolean,
    pb: number,
    ldb: number,
    tB: boolean,
    pc: number,
  ): void {
    const fn = this.exports.dgemm;
    const T = this.threads;
    const es = 8;
    if (T > 1 && this.pool !== null && m * n * k >= this.parallelMinFlops && (n >= 16 || m >= 16)) {
      // Split the larger of m, n into T slices aligned to the micro-tile (8 covers both MR and NR).
      const byCols = n >= m;
      const len = byCols ? n : m;
      const parts: number[] = [0];
      for (let t = 1; t < T; t++) parts.push(Math.min(len, Math.round((len * t) / T / 8) * 8));
      parts.push(len);
      const jobs: number[][] = [];
      for (let t = 0; t < T; t++) {
        const lo = parts[t],
          hi = parts[t + 1];
        if (hi <= lo) continue;
        const s = this.scratch[t];
        // Slice t: columns [lo, hi) of op(B) and C, or rows [lo, hi) of op(A) and C.
        const sa = byCols ? pa : pa + (tA ? lo : lo * lda) * es;
        const sb = byCols ? pb + (tB ? lo * ldb : lo) * es : pb;
        const sc = byCols ? pc + lo * es : pc + lo * n * es;
        jobs.push([
          byCols ? m : hi - lo,
          byCols ? hi - lo : n,
          k,
          sa,
          lda,
          tA ? 1 : 0,
          sb,
          ldb,
          tB ? 1 : 0,
          sc,
          n,
          0,
          s.packA,
          s.packB,
          s.tile,
        ]);
      }
      // The caller's thread takes the first slice, the workers the rest.
      this.pool.start(jobs.slice(1));
      const j = jobs[0];
      fn(j[0], j[1], j[2], j[3], j[4], j[5], j[6], j[7], j[8], j[9], j[10], j[11], j[12], j[13], j[14]);
      this.pool.wait();
      return;
    }
    const s = this.scratch[0];
    fn(m, n, k, pa, lda, tA ? 1 : 0, pb, ldb, tB ? 1 : 0, pc, n, 0, s.packA, s.packB, s.tile);
  }

  close(): void {
    this.pool?.close();
    this.pool = null;
    this.threads = 1;
  }
}

function wasmAbort(): never {
  throw new Error("gemm.wasm aborted");
}

/**
 * Loads one build: "relaxed" (gemm-relaxed.wasm; an error when SHOCKLENS_WASM_RELAXED=0 switches
 * it off or it fails its check) or "simd" (gemm.wasm). A module SHOCKLENS_WASM names must be of
 * the build asked for.
 */
export function loadWasmGemm(build: "relaxed" | "simd"): WasmGemm {
  const relaxed = build === "relaxed";
  if (relaxed && !relaxedSimdAllowed()) throw new Error("switched off (SHOCKLENS_WASM_RELAXED=0)");
  const w = new WasmGemm(wasmGemmPath(relaxed ? "gemm-relaxed.wasm" : "gemm.wasm"));
  if (w.relaxed !== relaxed) {
    w.close();
    throw new Error(`${w.path} is the ${w.variant} build, not the ${relaxed ? "relaxed-simd FMA" : "simd"} one`);
  }
  return w;
}
