#!/usr/bin/env node
/**
 * Builds the WebAssembly-SIMD kernels from source with AssemblyScript (-O3):
 *   assembly/gemm.ts → dist/wasm/gemm.wasm  (SIMD + threads, shared imported memory)
 *   assembly/gemm.ts → dist/wasm/gemm-relaxed.wasm (the same with relaxed SIMD: FMA micro-kernels)
 *   assembly/pde.ts  → dist/wasm/pde.wasm   (SIMD, imported memory)
 *   assembly/small.ts → dist/wasm/small.wasm (SIMD, own exported memory: small products)
 *   assembly/tanh.ts → dist/wasm/tanh.wasm   (SIMD, imported memory: tanh forward and backward)
 *   assembly/langevin.ts → dist/wasm/langevin.wasm (SIMD, imported memory: the Langevin update)
 *   assembly/thin.ts → dist/wasm/thin.wasm   (SIMD, imported memory: thin products of a tanh plan)
 * Run by `npm run build` and so by `prepare` on `npm ci`; the binaries are never committed.
 * gemm-relaxed.wasm is optional (without it the wasm-relaxed backend is unavailable and auto
 * takes wasm-simd, gemm.wasm): when it does not compile, the build says so, removes any stale
 * copy and goes on.
 *
 * usage: node scripts/build-wasm.mjs [--out-dir DIR] [--quiet]
 * Exit status 0 on success, 1 when the compiler reports an error on a required module.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const COMMON = ["-O3", "--noAssert", "--runtime", "stub", "--enable", "simd"];

const GEMM = [
  ...COMMON,
  "--enable",
  "threads",
  "--importMemory",
  "--sharedMemory",
  "--initialMemory",
  "16",
  "--maximumMemory",
  "32768",
];

/** The modules and their compiler flags (the loaders in src/core/kernels rely on them). */
export const MODULES = {
  "gemm.wasm": { src: "assembly/gemm.ts", flags: GEMM },
  "gemm-relaxed.wasm": { src: "assembly/gemm.ts", flags: [...GEMM, "--enable", "relaxed-simd"], optional: true },
  // pde.wasm imports its memory (sized by the loader for the fields) and small.wasm starts with
  // all it needs: neither memory is ever grown, because growing a non-shared memory detaches its
  // ArrayBuffer, and the first detach anywhere in a process makes V8 add a detach check to every
  // typed-array access from then on (measured 11-13 % on a small-network SGLD loop).
  "pde.wasm": { src: "assembly/pde.ts", flags: [...COMMON, "--importMemory", "--initialMemory", "1"] },
  "small.wasm": { src: "assembly/small.ts", flags: [...COMMON, "--initialMemory", "10"] },
  // tanh.wasm and langevin.wasm import a memory that the loader sizes once per instance (a compiled
  // plan's or inner loop's buffers live there).
  "tanh.wasm": { src: "assembly/tanh.ts", flags: [...COMMON, "--importMemory", "--initialMemory", "1"] },
  "langevin.wasm": { src: "assembly/langevin.ts", flags: [...COMMON, "--importMemory", "--initialMemory", "1"] },
  // thin.wasm works in the memory of a tanh.wasm instance (a compiled tanh plan's activations).
  "thin.wasm": { src: "assembly/thin.ts", flags: [...COMMON, "--importMemory", "--initialMemory", "1"] },
};

/** Compiles every module into outDir (default dist/wasm); returns the written paths. */
export async function buildWasm(outDir = resolve(root, "dist/wasm"), quiet = false) {
  mkdirSync(outDir, { recursive: true });
  const written = [];
  for (const [name, { src, flags, optional }] of Object.entries(MODULES)) {
    const input = resolve(root, src);
    const out = resolve(outDir, name);
    let error, stderr;
    try {
      ({ error, stderr } = await asc.main([input, "-o", out, ...flags], { stdout: { write: () => true } }));
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
      stderr = "";
    }
    if (error && optional) {
      rmSync(out, { force: true });
      process.stderr.write(`build-wasm: note: skipped optional ${name} (${error.message})\n`);
      continue;
    }
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
