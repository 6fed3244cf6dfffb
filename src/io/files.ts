/**
 * File-system helpers for the codecs: reads that turn OS errors into one-line InputErrors and
 * crash-safe writes.
 */
// The default import (not `import * as`) keeps the module object patchable so tests can inject
// I/O failures with node:test's mock.method.
import fs from "node:fs";
import nodePath from "node:path";
import { InputError } from "../errors.ts";

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "does not exist";
    case "EACCES":
    case "EPERM":
      return "is not readable (permission denied)";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "has a path component that is not a directory";
    default:
      return `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))})`;
  }
}

/**
 * Reads a whole file. A missing file, a directory or an unreadable file gives an InputError such
 * as `safetensors file w.safetensors does not exist`, where `what` names the kind of file.
 */
export function readFileChecked(path: string, what: string): Uint8Array {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (err) {
    throw new InputError(`${what} ${path} ${reason(err)}`);
  }
  if (stat.isDirectory()) throw new InputError(`${what} ${path} is a directory`);
  try {
    return fs.readFileSync(path);
  } catch (err) {
    throw new InputError(`${what} ${path} ${reason(err)}`);
  }
}

let tempCounter = 0;

/** True when no process with this id runs on this machine. */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Writes `bytes` to `path` atomically: the data goes to `path.tmp-<pid>-<counter>` in the same
 * directory, is fsynced, then renamed over `path`, so a crash mid-write leaves any previous file
 * intact. On failure the temp file is removed and an InputError naming `path` is thrown.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}-${tempCounter++}`;
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx");
    for (let off = 0; off < bytes.length;) {
      off += fs.writeSync(fd, bytes, off, bytes.length - off);
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // Already failing; the original error is the one worth reporting.
      }
    }
    try {
      fs.unlinkSync(tmp);
    } catch {
      // The temp file may never have been created.
    }
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    const detail = code ?? (err instanceof Error ? err.message : String(err));
    throw new InputError(`cannot write ${path} (${detail})`);
  }
  syncDirectory(nodePath.dirname(path));
}

// Makes the rename itself durable. Best effort: some platforms cannot open or fsync directories.
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // Ignored on purpose, see above.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
