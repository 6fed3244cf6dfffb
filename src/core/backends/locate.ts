/**
 * Where the built WebAssembly modules are: `dist/wasm/<name>` of the package. The loaders run
 * from src/ (tests, under a TypeScript loader), from dist/ (the shipped package) and from the
 * benchmark's compiled copy (.bench-build/src/), so the file is looked for in every ancestor
 * folder of this module: as `<folder>/dist/wasm/<name>` and as `<folder>/wasm/<name>` (the
 * latter when the ancestor is dist/ itself).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Every candidate path of a built module, nearest first. */
export function wasmCandidates(name: string): string[] {
  const out: string[] = [];
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    out.push(join(dir, "dist", "wasm", name), join(dir, "wasm", name));
    const up = dirname(dir);
    if (up === dir) return out;
    dir = up;
  }
}

/** The built module `name` (e.g. "gemm.wasm"), or null when it is not built. */
export function findBuiltWasm(name: string): string | null {
  for (const p of wasmCandidates(name)) if (existsSync(p)) return p;
  return null;
}
