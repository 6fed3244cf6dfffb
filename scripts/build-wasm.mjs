#!/usr/bin/env node
/**
 * Builds the WebAssembly-SIMD kernels from source with AssemblyScript (-O3):
 *   assembly/gemm.ts → dist/wasm/gemm.wasm  (SIMD + threads, shared imported memory)
 *   assembly/pde.ts  → dist/wasm/pde.wasm   (SIMD, own exported memory)
 * Run by `npm run build` and so by `prepare` on `npm ci`; the binaries are never committed.
 *
 * usage: node scripts/build-wasm.mjs [--out-dir DIR] [--quiet]
 * Exit status 0 on success, 1 when the compiler reports an error.
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const COMMON = ["-O3", "--noAssert", "--runtime", "stub", "--enable", "simd"];

/** The modules and their compiler flags (the loaders in src/core/kernels rely on them). */
export const MODULES = {
  "gemm.wasm": {
    src: "assembly/gemm.ts",
    flags: [...COMMON, "--enable", "threads", "--importMemory", "--sharedMemory", "--initialMemory", "16", "--maximumMemory", "32768"],
  },
  "pde.wasm": { src: "assembly/pde.ts", flags: [...COMMON, "--initialMemory", "16"] },
};

/** Compiles every module into outDir (default dist/wasm); returns the written paths. */
export async function buildWasm(outDir = resolve(root, "dist/wasm"), quiet = false) {
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const [name, { src, flags }] of Object.entries(MODULES)) {
    const input = resolve(root, src);
    const out = resolve(outDir, name);
    const { error, stderr } = await asc.main([input, "-o", out, ...flags], { stdout: { write: () => true } });
    if (error) {
      process.stderr.write(stderr.toString());
      throw new Error(`asc failed on ${src}: ${error.message}`);
    }
    if (!quiet) process.stderr.write(`build-wasm: ${src} -> ${out}\n`);
    written.push(out);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf("--out-dir");
  const outDir = i >= 0 ? resolve(args[i + 1]) : undefined;
  buildWasm(outDir, args.includes("--quiet")).catch((e) => {
    process.stderr.write(`build-wasm: ${e.message}\n`);
    process.exit(1);
  });
}
