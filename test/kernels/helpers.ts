/** Helpers for the kernel tests: deterministic random data, a naive GEMM oracle, the built wasm. */
import { existsSync, mkdtempSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { findBuiltWasm } from "../../src/core/backends/locate.ts";
import { findPdeWasm } from "../../src/pde/fused/wasm.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;

export function randomArray(rng: FastNormal, n: number): Float64Array {
  return rng.fill(new Float64Array(n));
}

/** The textbook triple loop: C = op(A)·op(B) (the oracle of every GEMM kernel). */
export function naiveGemm(
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  aOff: number,
  tA: boolean,
  b: ArrayLike<number>,
  bOff: number,
  tB: boolean,
): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOff + (tA ? p * m + i : i * k + p)] * b[bOff + (tB ? j * k + p : p * n + j)];
      c[i * n + j] = s;
    }
  }
  return c;
}

/** max |x − y| / max(1, max |y|). */
export function relDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) return Infinity;
  let scale = 1,
    d = 0;
  for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]));
  for (let i = 0; i < y.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d / scale;
}

let builtDir: string | null = null;

/**
 * Directory holding gemm.wasm and pde.wasm: dist/wasm when `npm run build` has run, else a fresh
 * build into a temporary directory (so the WebAssembly kernels are always tested).
 */
export function wasmDir(): string {
  const g = findBuiltWasm("gemm.wasm"),
    p = findPdeWasm();
  if (g && p && g.replace(/gemm\.wasm$/, "") === p.replace(/pde\.wasm$/, "")) return g.replace(/\/gemm\.wasm$/, "");
  if (builtDir) return builtDir;
  const dir = mkdtempSync(join(tmpdir(), "shocklens-wasm-"));
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/build-wasm.mjs"), "--out-dir", dir, "--quiet"], {
    encoding: "utf8",
  });
  if (r.status !== 0 || !existsSync(join(dir, "gemm.wasm")))
    throw new Error(`could not build the wasm kernels: ${r.stderr}`);
  builtDir = dir;
  return dir;
}
