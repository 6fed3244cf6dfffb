/**
 * The one guard every command that writes files goes through (docs/store.md §outputs): before a
 * byte is written, an output path is refused (InputError, exit 2, one line naming both files) when
 *
 * - it is, or will be, the same file as an input of the command — compared by device and inode
 *   when both exist (so symbolic links and hard links are seen through) and by canonical path
 *   (real folder + name) otherwise;
 * - it is the run store, one of SQLite's side files (`-wal`, `-shm`, `-journal`), or lies inside
 *   the store's run folders (`<store>.runs/`);
 * - it exists and is not a regular file (a directory, a FIFO, a device such as /dev/full), or is
 *   a regular file and `force` is not set;
 * - two outputs of the same command are the same file.
 *
 * Writes themselves are atomic (files.ts: temp file in the target's folder, fsync, rename).
 */
import fs from "node:fs";
import nodePath from "node:path";
import { InputError } from "../errors.ts";
import { describeFileKind } from "./files.ts";

/** A file a command reads or writes, with the option or role that names it in messages. */
export interface NamedPath {
  path: string;
  /** e.g. "--weights", "--out", "run config". */
  what: string;
}

export interface OutputGuard {
  /** Files the command reads: none of them may be overwritten. */
  inputs?: readonly (NamedPath | undefined)[];
  /** A run store whose file, side files and run folders must not be touched. */
  store?: string;
  /** Allow replacing an existing regular file (never an input, the store or a special file). */
  force?: boolean;
}

/** SQLite files that belong to a store at `path`. */
export function storeFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/** The folder next to a store that holds its runs' checkpoints and weights. */
export function storeRunsFolder(path: string): string {
  return `${path}.runs`;
}

function statOrNull(path: string): fs.Stats | null {
  try {
    return fs.statSync(path);
  } catch {
    return null;
  }
}

/** The absolute path with every existing folder component resolved (links followed). */
export function canonicalPath(path: string): string {
  const abs = nodePath.resolve(path);
  try {
    return fs.realpathSync(abs);
  } catch {
    const parent = nodePath.dirname(abs);
    return parent === abs ? abs : nodePath.join(canonicalPath(parent), nodePath.basename(abs));
  }
}

function sameFile(a: string, aStat: fs.Stats | null, b: string): boolean {
  const bStat = statOrNull(b);
  if (aStat && bStat) return aStat.dev === bStat.dev && aStat.ino === bStat.ino;
  return canonicalPath(a) === canonicalPath(b);
}

function isInside(path: string, folder: string): boolean {
  const rel = nodePath.relative(canonicalPath(folder), canonicalPath(path));
  return rel === "" || (!rel.startsWith("..") && !nodePath.isAbsolute(rel));
}

/** Refuses `out` (see the module comment); `kind: "directory"` for outputs that are folders (tfevents). */
export function checkOutput(out: NamedPath, guard: OutputGuard, kind: "file" | "directory" = "file"): void {
  const { path, what } = out;
  if (path.trim() === "") throw new InputError(`${what}: expected a file path, got an empty string`);
  const st = statOrNull(path);
  for (const input of guard.inputs ?? []) {
    if (input && sameFile(path, st, input.path))
      throw new InputError(
        `${what} ${path} is the same file as ${input.what} ${input.path}; writing it would destroy that input`,
      );
  }
  if (guard.store !== undefined) {
    for (const f of storeFiles(guard.store)) {
      if (sameFile(path, st, f))
        throw new InputError(`${what} ${path} is the run store ${f}; writing it would destroy every run in it`);
    }
    const runs = storeRunsFolder(guard.store);
    if (isInside(path, runs))
      throw new InputError(`${what} ${path} lies inside the run store's folder ${runs}; write it somewhere else`);
  }
  if (st === null) return;
  if (kind === "directory") {
    if (!st.isDirectory()) throw new InputError(`${what} ${path} is ${describeFileKind(st)}; expected a directory`);
    return;
  }
  if (!st.isFile())
    throw new InputError(`${what} ${path} is ${describeFileKind(st)}; expected a regular file (or a new path)`);
  if (!guard.force) throw new InputError(`${what} ${path} already exists; pass --force to overwrite it`);
}

/** Checks every output of one command, and that no two of them are the same file. */
export function checkOutputs(outputs: readonly (NamedPath | undefined)[], guard: OutputGuard): void {
  const given = outputs.filter((o): o is NamedPath => o !== undefined);
  given.forEach((out, i) => {
    checkOutput(out, guard);
    for (const other of given.slice(0, i)) {
      if (sameFile(out.path, statOrNull(out.path), other.path))
        throw new InputError(`${out.what} ${out.path} and ${other.what} ${other.path} are the same file`);
    }
  });
}
