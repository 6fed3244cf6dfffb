/**
 * Where artifact files are recorded: relative to the store's folder when they lie inside it (a
 * run's checkpoints and weights live in `<store>.runs/<run>/`), absolute otherwise — so a run
 * resumes from any working directory, and a store moved together with its run folders keeps
 * working (docs/store.md §artifacts).
 */
import { existsSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** The folder relative artifact paths are resolved against. */
export function storeFolder(storePath: string): string {
  return storePath === ":memory:" ? process.cwd() : dirname(resolve(storePath));
}

/** The form an artifact path is stored in: relative to `storeDir` when inside it, else absolute. */
export function toStoredPath(storeDir: string, path: string): string {
  const abs = resolve(path);
  const rel = relative(storeDir, abs);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel) ? rel : abs;
}

/** The absolute path of a stored artifact path. */
export function fromStoredPath(storeDir: string, stored: string): string {
  return isAbsolute(stored) ? stored : resolve(storeDir, stored);
}

/**
 * The absolute path of an artifact recorded by schema version 1, which stored paths as given —
 * relative to the working directory of the process that wrote them. A file found from the current
 * working directory is taken; otherwise a checkpoint or weights file of the run's folder is looked
 * for where that folder is now, next to the store.
 */
export function legacyArtifactPath(storePath: string, runId: string, stored: string, cwd = process.cwd()): string {
  if (isAbsolute(stored)) return stored;
  const fromCwd = resolve(cwd, stored);
  if (existsSync(fromCwd)) return fromCwd;
  const parts = stored.split(/[\\/]/);
  if (parts.length >= 3 && parts[parts.length - 2] === runId && parts[parts.length - 3].endsWith(".runs"))
    return join(`${resolve(cwd, storePath)}.runs`, runId, basename(stored));
  return fromCwd;
}
