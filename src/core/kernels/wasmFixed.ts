/**
 * Loading a small WebAssembly module that owns a fixed memory (tanh.wasm, normal.wasm): the module
 * is built with all the memory it needs and that memory is never grown — growing a non-shared
 * memory detaches its ArrayBuffer, and the first detach in a process makes V8 check for
 * detachment on every typed-array access from then on (docs/performance.md §what-makes-it-fast).
 * A module found with less memory than `needBytes` is not used.
 */
import { readFileSync } from "node:fs";
import { findBuiltWasm } from "../backends/locate.ts";

export interface FixedWasm<E> {
  exports: E;
  memory: ArrayBuffer;
}

/** Instantiates the module at `path`; throws when its memory is smaller than needBytes. */
export function instantiateFixed<E>(
  path: string,
  needBytes: number,
  imports: Record<string, unknown> = {},
): FixedWasm<E> {
  const name = path.replace(/^.*[\\/]/, "");
  const abort = (): never => {
    throw new Error(`${name} aborted`);
  };
  const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {
    env: { abort, ...imports },
  });
  const exports = inst.exports as unknown as E & { memory: WebAssembly.Memory };
  const memory = exports.memory.buffer;
  if (memory.byteLength < needBytes)
    throw new Error(`${name}: ${memory.byteLength} bytes of memory, needs ${needBytes}`);
  return { exports, memory };
}

/**
 * A lazily loaded module: `get()` gives the instance (made by `make` from the built module's
 * path) or null when the module is not built, switched off by `envVar`=0, or fails to load;
 * `reason()` says why.
 */
export function lazyWasm<T>(
  file: string,
  envVar: string,
  make: (path: string) => T,
): { get(): T | null; reason(): string } {
  let loaded: T | null | undefined;
  let why = "";
  return {
    get() {
      if (loaded !== undefined) return loaded;
      loaded = null;
      if (process.env[envVar] === "0") {
        why = `switched off (${envVar}=0)`;
        return null;
      }
      const path = findBuiltWasm(file);
      if (path === null) {
        why = `${file} not built (run \`npm run build\`)`;
        return null;
      }
      try {
        loaded = make(path);
      } catch (e) {
        why = `${path}: ${e instanceof Error ? e.message : String(e)}`;
      }
      return loaded;
    },
    reason: () => why,
  };
}
