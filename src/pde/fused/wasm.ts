/**
 * The `wasm-simd` PDE stencil backend (assembly/pde.ts → dist/wasm/pde.wasm): the fused SSP stages
 * of periodic inviscid 1-D Burgers (MUSCL/first order with the Rusanov or Godunov flux, WENO5-JS)
 * and the explicit 5-point step of the 2-D heat equation, two cells per f64x2 instruction. Each
 * `WasmStencils` instance has its own memory; its `fields(lengths)` hands out Float64Array views
 * into it (fill them, step them, read them), so a time loop copies nothing.
 *
 * The methods have the signatures of the stage kernels (./kernels.ts), whose plain-TypeScript
 * twins in this folder are the other backend and the oracle these are tested against.
 */
import { existsSync, readFileSync } from "node:fs";
import { findBuiltWasm } from "../../core/backends/locate.ts";
import type { HeatStep, MusclStage, StageKernels, WenoStage } from "./types.ts";

/** A kernel as the module exports it: fields as byte offsets into its memory, flags as 0/1. */
type Exported<F> = F extends (...args: infer A) => void ? (...args: { [K in keyof A]: number }) => void : never;

interface PdeExports {
  maxAbs(u: number, start: number, n: number): number;
  musclStage: Exported<MusclStage>;
  wenoStage: Exported<WenoStage>;
  heatStep: Exported<HeatStep>;
}

const EXPORTS: readonly (keyof PdeExports)[] = ["maxAbs", "musclStage", "wenoStage", "heatStep"];

const BASE = 65536; // below: the module's own (stack-free, no data)

/** The built module (see core/backends/locate.ts), or the file SHOCKLENS_WASM_PDE names; null when absent. */
export function findPdeWasm(): string | null {
  const env = process.env.SHOCKLENS_WASM_PDE;
  if (env) return existsSync(env) ? env : null;
  return findBuiltWasm("pde.wasm");
}

/**
 * The module imports its memory. `fields` instantiates it over a fresh memory of exactly the size
 * the fields need instead of growing one: growing a non-shared memory detaches its ArrayBuffer,
 * and after the first detach in a process V8 checks for detachment on every typed-array access
 * (a measured 11–13 % on small-network loops elsewhere in the library).
 */
export class WasmStencils implements StageKernels {
  readonly name = "wasm-simd";
  readonly path: string;
  private readonly module: WebAssembly.Module;
  private E: PdeExports;
  private memory: WebAssembly.Memory;

  constructor(path: string, module?: WebAssembly.Module) {
    this.path = path;
    this.module = module ?? new WebAssembly.Module(readFileSync(path));
    this.memory = new WebAssembly.Memory({ initial: 2 });
    this.E = this.instantiate(this.memory);
  }

  private instantiate(memory: WebAssembly.Memory): PdeExports {
    const inst = new WebAssembly.Instance(this.module, { env: { memory, abort: wasmAbort } });
    return inst.exports as unknown as PdeExports;
  }

  /**
   * Float64Array views of the given lengths (64-byte aligned) in a memory of their own; the
   * kernels accept views from the latest call only.
   */
  fields(lengths: readonly number[]): Float64Array[] {
    const offs: number[] = [];
    let top = BASE;
    for (const n of lengths) {
      offs.push(top);
      top = (top + n * 8 + 63) & ~63;
    }
    this.memory = new WebAssembly.Memory({ initial: Math.max(2, Math.ceil(top / 65536)) });
    this.E = this.instantiate(this.memory);
    const buf = this.memory.buffer;
    return lengths.map((n, i) => new Float64Array(buf, offs[i], n));
  }

  private ptr(a: Float64Array): number {
    if (a.buffer !== this.memory.buffer) throw new Error("wasm stencil: field is not a view from the latest fields()");
    return a.byteOffset;
  }

  /** max |u[start … start+n)|, NaN when any value is NaN. */
  maxAbs(u: Float64Array, start: number, n: number): number {
    return this.E.maxAbs(this.ptr(u), start, n);
  }

  /** MUSCL/first-order stage on fields ghosted by 2 (see assembly/pde.ts). */
  musclStage: MusclStage = (uin, u0, out, n, invDx, dt, a, b, theta, godunov) => {
    this.E.musclStage(this.ptr(uin), this.ptr(u0), this.ptr(out), n, invDx, dt, a, b, theta, godunov ? 1 : 0);
  };

  /** WENO5 stage on fields ghosted by 3. */
  wenoStage: WenoStage = (uin, u0, out, n, invDx, dt, a, b) => {
    this.E.wenoStage(this.ptr(uin), this.ptr(u0), this.ptr(out), n, invDx, dt, a, b);
  };

  /** One explicit 5-point heat step on the periodic nx×ny grid (row-major), u → un. */
  heatStep: HeatStep = (u, un, nx, ny, rx, ry) => {
    this.E.heatStep(this.ptr(u), this.ptr(un), nx, ny, rx, ry);
  };
}

function wasmAbort(): never {
  throw new Error("pde.wasm aborted");
}

/**
 * Compiles pde.wasm once; throws when it is not built, or was built from an older assembly/pde.ts
 * (it lacks these exports or has a memory of its own).
 */
export function compilePdeWasm(): { path: string; module: WebAssembly.Module } {
  const path = findPdeWasm();
  if (path === null)
    throw new Error(
      process.env.SHOCKLENS_WASM_PDE
        ? `SHOCKLENS_WASM_PDE names ${process.env.SHOCKLENS_WASM_PDE}, which does not exist`
        : "pde.wasm is not built (run `npm run build`)",
    );
  const module = new WebAssembly.Module(readFileSync(path));
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const importsMemory = WebAssembly.Module.imports(module).some((i) => i.kind === "memory");
  if (!importsMemory || !EXPORTS.every((e) => names.has(e)))
    throw new Error(`${path} was built from an older assembly/pde.ts (run \`npm run build\`)`);
  return { path, module };
}
