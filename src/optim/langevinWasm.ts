/**
 * The compiled inner loop's buffers and fused update in WebAssembly SIMD (assembly/langevin.ts →
 * dist/wasm/langevin.wasm; docs/performance.md §sgld-wasm-kernels). Each loop gets its own
 * instance over a memory sized once for five flat arrays — y, μ, the step's deviates, the anchor
 * x and the gradient — so the update runs in place over all leaves in one call; the memory is
 * never grown (no detached ArrayBuffer). The same doubles as `langevinLeaf`, bit for bit.
 * SHOCKLENS_WASM_LANGEVIN=0 switches it off (the loop then runs langevinLeaf per leaf).
 */
import { readFileSync } from "node:fs";
import { lazyWasm } from "../core/kernels/wasmLazy.ts";

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
}

/** Bytes below the arrays (the module's own; it has no data, this keeps it clear of address 0). */
const BASE = 65536;
const PAGE = 65536;
/** Loops with more elements than this (per array) keep the TypeScript buffers. */
const MAX_ELEMENTS = 1 << 24;

export class LangevinBuffers {
  readonly y: Float64Array;
  readonly mu: Float64Array;
  readonly z: Float64Array;
  readonly x: Float64Array;
  readonly g: Float64Array;
  private readonly E: LangevinExports;
  private readonly at: number[];

  constructor(
    module: WebAssembly.Module,
    readonly total: number,
  ) {
    const stride = (total * 8 + 15) & ~15;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((BASE + 5 * stride) / PAGE) });
    const abort = (): never => {
      throw new Error("langevin.wasm aborted");
    };
    this.E = new WebAssembly.Instance(module, { env: { memory, abort } }).exports as unknown as LangevinExports;
    this.at = [0, 1, 2, 3, 4].map((k) => BASE + k * stride);
    const view = (k: number) => new Float64Array(memory.buffer, this.at[k], total);
    this.y = view(0);
    this.mu = view(1);
    this.z = view(2);
    this.x = view(3);
    this.g = view(4);
  }

  /** y ← y − η(g + λy + c(y − x)) [+ s·z],  μ ← (1 − α)μ + αy (langevinLeaf over all leaves at once). */
  update(eta: number, lambda: number, c: number, s: number, alpha: number, draw: boolean): void {
    const [y, mu, z, x, g] = this.at;
    this.E.update(y, g, x, z, mu, this.total, eta, lambda, c, s, alpha, draw ? 1 : 0);
  }
}

const lazy = lazyWasm("langevin.wasm", "SHOCKLENS_WASM_LANGEVIN", (p) => new WebAssembly.Module(readFileSync(p)));

/** Buffers for a loop over `total` parameters, or null when langevin.wasm is not built, switched off, or too small for them. */
export function langevinBuffers(total: number): LangevinBuffers | null {
  const m = total <= MAX_ELEMENTS ? lazy.get() : null;
  return m === null ? null : new LangevinBuffers(m, total);
}
