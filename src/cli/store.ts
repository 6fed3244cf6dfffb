/** Reading the run store from a command: opened read-only, never created (docs/store.md §readers). */
import { existsSync } from "node:fs";
import { storeError } from "../store/connect.ts";
import { RunReader } from "../store/reader.ts";

/**
 * Runs `fn` on the store opened read-only, or returns undefined when there is no store yet (no
 * file, or an empty one): reading never creates or changes one.
 */
export function withStore<T>(path: string, fn: (store: RunReader) => T): T | undefined {
  if (!existsSync(path)) return undefined;
  const store = RunReader.openReadOnly(path);
  if (store === null) return undefined;
  try {
    return fn(store);
  } catch (err) {
    throw storeError(err, path); // damage past the header is bad input; a lock or I/O error names the store
  } finally {
    store.close();
  }
}
