/**
 * The compiled inner loop's buffers, fused update and noise in WebAssembly SIMD (assembly/langevin.ts
 * and assembly/ziggurat.ts → dist/wasm/langevin.wasm; docs/performance.md §sgld-wasm-kernels).
 * Each loop gets its own instance over a memory sized once for its flat arrays — y, μ, the anchor x,
 * the gradient and `slots` steps' deviates — so the update runs in place over all leaves in one
 * call; the memory is never grown (no detached ArrayBuffer). The update gives `langevinLeaf`'s
 * doubles and `draw` gives FastNormal.fill's, bit for bit; `draw` forms the deviates of up to four
 * steps at once, their generators' state updates side by side in one SIMD chain.
 * SHOCKLENS_WASM_LANGEVIN=0 switches it off (the loop then runs langevinLeaf per leaf and fill).
 */
import { readFileSync } from "node:fs";
import { xoshiroState, zigguratTables } from "../core/kernels/rng.ts";
import { lazyWasm } from "../core/kernels/wasmLazy.ts";
import type { Key } from "../core/random.ts";

interface LangevinExports {
  update(
    y: number,
    g: number,
    a: number,
    z: number,
    mu: number,
    n: number,
    eta: number,
    lambda: number,
    c: number,
    s: number,
    alpha: number,
    draw: number,
  ): void;
  normals(
    state: number,
    words: number,
    w: number,
    streams: number,
    kn: number,
    wn: number,
    fn: number,
    out: number,
    n: number,
    stride: number,
    scale: number,
  ): void;
}

/** Bytes below the arrays (the module's own; it has no data, this keeps it clear of address 0). */
const BASE = 65536;
const PAGE = 65536;
/** Loops with more elements than this (per array) keep the TypeScript buffers. */
const MAX_ELEMENTS = 1 << 24;
/** Streams drawn side by side (the lanes of an i32x4). */
export const NOISE_LANES = 4;
/** Byte offsets, below BASE, of the ziggurat's tables and of the generators' state (four i32x4). */
const KN_AT = 1024,
  WN_AT = 2048,
  FN_AT = 3072,
  STATE_AT = 4096;
/** Words per stream buffered before its deviates are formed (≈ 1.3 are used per deviate; more are made as needed), a multiple of 4. */
const wordsFor = (n: number): number => Math.min(Math.ceil((1.32 * n + 64) / 4) * 4, 1 << 20);

export class LangevinBuffers {
  readonly y: Float64Array;
  readonly mu: Float64Array;
  readonly x: Float64Array;
  readonly g: Float64Array;
  /** The deviates of slot 0 (the only slot of a buffer made with one). */
  readonly z: Float64Array;
  private readonly E: LangevinExports;
  private readonly at: number[];
  private readonly stride: number;
  private readonly zAt: number;
  private readonly wordsAt: number;
  private readonly words: number;
  private readonly state: Int32Array;

  /** Buffers for `total` parameters with deviates for `slots` steps. */
  constructor(
    module: WebAssembly.Module,
    readonly total: number,
    readonly slots = 1,
    words = wordsFor(total),
  ) {
    if (words < 8 || words % 4 !== 0)
      throw new Error(`langevin.wasm: ${words} words per stream (a multiple of 4, ≥ 8)`);
    const stride = (total * 8 + 15) & ~15;
    this.stride = stride;
    this.words = words;
    this.zAt = BASE + 4 * stride;
    this.wordsAt = this.zAt + slots * stride;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((this.wordsAt + 4 * NOISE_LANES * this.words) / PAGE) });
    const abort = (): never => {
      throw new Error("langevin.wasm aborted");
    };
    const env = { memory, abort, log: Math.log, exp: Math.exp };
    this.E = new WebAssembly.Instance(module, { env }).exports as unknown as LangevinExports;
    const { KN, WN, FN } = zigguratTables;
    new Int32Array(memory.buffer, KN_AT, KN.length).set(KN);
    new Float64Array(memory.buffer, WN_AT, WN.length).set(WN);
    new Float64Array(memory.buffer, FN_AT, FN.length).set(FN);
    this.state = new Int32Array(memory.buffer, STATE_AT, 4 * NOISE_LANES);
    this.at = [0, 1, 2, 3].map((k) => BASE + k * stride);
    const view = (at: number) => new Float64Array(memory.buffer, at, total);
    this.y = view(this.at[0]);
    this.mu = view(this.at[1]);
    this.x = view(this.at[2]);
    this.g = view(this.at[3]);
    this.z = view(this.zAt);
  }

  /** The deviates of slot k. */
  slot(k: number): Float64Array {
    return new Float64Array(this.z.buffer, this.zAt + k * this.stride, this.total);
  }

  /**
   * Slot k ← scale·(the first `total` deviates of FastNormal(seeds[k])), for k < seeds.length ≤
   * slots: the doubles of `new FastNormal(seeds[k]).fill(slot(k), scale)`, four streams per call.
   */
  draw(seeds: readonly (Key | number)[], scale = 1): void {
    if (seeds.length > this.slots) throw new Error(`langevin.wasm: ${seeds.length} streams for ${this.slots} slots`);
    const st = this.state;
    for (let k0 = 0; k0 < seeds.length; k0 += NOISE_LANES) {
      const streams = Math.min(NOISE_LANES, seeds.length - k0);
      for (let j = 0; j < NOISE_LANES; j++) {
        // Lanes without a stream copy the first one's state (their words are never read).
        const s = xoshiroState(seeds[k0 + (j < streams ? j : 0)]);
        for (let m = 0; m < 4; m++) st[m * NOISE_LANES + j] = s[m];
      }
      const out = this.zAt + k0 * this.stride;
      this.E.normals(
        STATE_AT,
        this.wordsAt,
        this.words,
        streams,
        KN_AT,
        WN_AT,
        FN_AT,
        out,
        this.total,
        this.stride,
        scale,
      );
    }
  }

  /** y ← y − η(g + λy + c(y − x)) [+ s·z_slot],  μ ← (1 − α)μ + αy (langevinLeaf over all leaves at once). */
  update(eta: number, lambda: number, c: number, s: number, alpha: number, draw: boolean, slot = 0): void {
    const [y, mu, x, g] = this.at;
    this.E.update(y, g, x, this.zAt + slot * this.stride, mu, this.total, eta, lambda, c, s, alpha, draw ? 1 : 0);
  }
}

const lazy = lazyWasm("langevin.wasm", "SHOCKLENS_WASM_LANGEVIN", (p) => new WebAssembly.Module(readFileSync(p)));

/**
 * Buffers for a loop over `total` parameters with deviates for `slots` steps (fewer when the
 * memory would pass 1 GiB), or null when langevin.wasm is not built, switched off, or too small
 * for them. `words`: the words buffered per stream (default ≈ 1.3 per parameter; tests pass a
 * few to make the columns run out and be refilled).
 */
export function langevinBuffers(total: number, slots = 1, words?: number): LangevinBuffers | null {
  const m = total <= MAX_ELEMENTS ? lazy.get() : null;
  if (m === null) return null;
  const fit = Math.max(1, Math.min(slots, Math.floor((1 << 30) / (8 * total)) - 5));
  return new LangevinBuffers(m, total, fit, words);
}
