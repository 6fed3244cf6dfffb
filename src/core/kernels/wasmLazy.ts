/**
 * Loading the small WebAssembly modules that import a memory sized once by their loader
 * (tanh.wasm, langevin.wasm): the memory is never grown — growing a non-shared memory detaches
 * its ArrayBuffer, and the first detach in a process makes V8 check for detachment on every
 * typed-array access from then on (docs/performance.md §what-makes-it-fast).
 */
import { findBuiltWasm } from "../backends/locate.ts";

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
