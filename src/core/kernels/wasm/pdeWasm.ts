/**
 * WebAssembly-SIMD stencil kernels (assembly/pde.ts → dist/wasm/pde.wasm): periodic 1-D Burgers
 * steps (MUSCL–minmod–Rusanov, WENO5-JS + SSP-RK3) and the explicit 2-D heat step, two cells per
 * f64x2 instruction. Each `WasmStencils` instance has its own memory; its `fields(lengths)` hands
 * out Float64Array views into it (fill them, step them, read them), so a time loop copies nothing.
 *
 * The plain-TypeScript twins of these kernels are in bench/pde.ts (the fallback when the module is
 * not built, and the cross-check in test/kernels).
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

interface PdeExports {
  memory: WebAssembly.Memory;
  musclStep(u: number, un: number, F: number, n: number, dx: number): void;
  wenoStep(u: number, u1: number, u2: number, fp: number, fm: number, Fh: number, n: number, dx: number): void;
  heatStep(u: number, un: number, n: number, r: number): void;
}

const BASE = 65536; // below: the module's own (stack-free, no data)

export function findPdeWasm(): string | null {
  const env = process.env.SHOCKLENS_WASM_PDE;
  const rel = ["../../../../dist/wasm/pde.wasm", "../../../wasm/pde.wasm"];
  const paths = env ? [env] : rel.map((r) => fileURLToPath(new URL(r, import.meta.url)));
  for (const p of paths) if (existsSync(p)) return p;
  return null;
}

export class WasmStencils {
  readonly path: string;
  private readonly E: PdeExports;

  constructor(path: string, module?: WebAssembly.Module) {
    this.path = path;
    const inst = new WebAssembly.Instance(module ?? new WebAssembly.Module(readFileSync(path)), { env: { abort: wasmAbort } });
    this.E = inst.exports as unknown as PdeExports;
  }

  /**
   * Float64Array views of the given lengths inside the module's memory (64-byte aligned). Each
   * call reuses the same region: views from an earlier call must no longer be used.
   */
  fields(lengths: readonly number[]): Float64Array[] {
    const offs: number[] = [];
    let top = BASE;
    for (const n of lengths) {
      offs.push(top);
      top = (top + n * 8 + 63) & ~63;
    }
    const mem = this.E.memory;
    if (top > mem.buffer.byteLength) mem.grow(Math.ceil((top - mem.buffer.byteLength) / 65536));
    return lengths.map((n, i) => new Float64Array(mem.buffer, offs[i], n));
  }

  private ptr(a: Float64Array): number {
    if (a.buffer !== this.E.memory.buffer) throw new Error("wasm stencil: field is not a view from fields()");
    return a.byteOffset;
  }

  /** One MUSCL step u → un (ghosted by 2, length n + 4); F: scratch of length n + 4. */
  musclStep(u: Float64Array, un: Float64Array, F: Float64Array, n: number, dx: number): void {
    this.E.musclStep(this.ptr(u), this.ptr(un), this.ptr(F), n, dx);
  }

  /** One WENO5/SSP-RK3 step of u in place (ghosted by 3, length n + 6); the rest: scratch. */
  wenoStep(u: Float64Array, u1: Float64Array, u2: Float64Array, fp: Float64Array, fm: Float64Array, Fh: Float64Array, n: number, dx: number): void {
    this.E.wenoStep(this.ptr(u), this.ptr(u1), this.ptr(u2), this.ptr(fp), this.ptr(fm), this.ptr(Fh), n, dx);
  }

  /** One explicit 5-point heat step on the periodic n×n grid, u → un. */
  heatStep(u: Float64Array, un: Float64Array, n: number, r: number): void {
    this.E.heatStep(this.ptr(u), this.ptr(un), n, r);
  }
}

function wasmAbort(): never {
  throw new Error("pde.wasm aborted");
}

let compiled: { path: string; module: WebAssembly.Module } | null | undefined;

/** A fresh instance of the stencil kernels (own memory, compiled module shared), or null when pde.wasm is not built. */
export function wasmStencils(): WasmStencils | null {
  if (compiled === undefined) {
    const p = findPdeWasm();
    try {
      compiled = p ? { path: p, module: new WebAssembly.Module(readFileSync(p)) } : null;
    } catch {
      compiled = null;
    }
  }
  return compiled ? new WasmStencils(compiled.path, compiled.module) : null;
}
