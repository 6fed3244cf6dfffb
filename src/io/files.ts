/**
 * File-system helpers for the codecs: bounded reads of regular files only, and crash-safe writes
 * (docs/store.md §outputs). Problems with a path are one-line InputErrors naming the file; a full
 * disk or an I/O error is an IoFault (a runtime failure) naming the file.
 */
// The default import (not `import * as`) keeps the module object patchable so tests can inject
// I/O failures with node:test's mock.method.
import fs from "node:fs";
import nodePath from "node:path";
import { InputError } from "../errors.ts";
import { fileError } from "./faults.ts";
import { deferSignals } from "./signals.ts";

/** Default cap on an input file read whole into memory (a Buffer cannot exceed 4 GiB anyway). */
export const MAX_INPUT_BYTES = 2 ** 31;

/** Cap on a config file (YAML/JSON): text this large is a mistake, not a config. */
export const MAX_CONFIG_BYTES = 16 * 2 ** 20;

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

/** "a directory", "a FIFO (named pipe)", … — what a non-regular file is, for messages. */
export function describeFileKind(st: fs.Stats): string {
  if (st.isFile()) return "a regular file";
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * Reads a whole regular file of at most `maxBytes`. The file is opened without blocking (a FIFO
 * would otherwise wait for a writer forever) and checked on the open descriptor, so a device, a
 * FIFO or a directory is refused before a byte is read, and an oversized file before any memory is
 * allocated. Errors are InputErrors such as `safetensors file w.safetensors does not exist`.
 */
export function readFileChecked(path: string, what: string, maxBytes = MAX_INPUT_BYTES): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    throw new InputError(`${what} ${path} ${reason(err)}`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`${what} ${path} is a directory`);
    if (!st.isFile()) throw new InputError(`${what} ${path} is ${describeFileKind(st)}; expected a regular file`);
    if (st.size > maxBytes)
      throw new InputError(
        `${what} ${path} is ${formatBytes(st.size)}, more than the ${formatBytes(maxBytes)} a ${what} may have`,
      );
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = fs.readSync(fd, buf, off, st.size - off, off);
      if (n === 0) throw new InputError(`${what} ${path} shrank while being read`);
      off += n;
    }
    if (fs.readSync(fd, Buffer.alloc(1), 0, 1, off) !== 0)
      throw new InputError(`${what} ${path} grew while being read; read it when nothing writes to it`);
    return buf;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`${what} ${path} ${reason(err)}`);
  } finally {
    fs.closeSync(fd);
  }
}

let tempCounter = 0;

const TEMP_SUFFIX = /\.tmp-(\d+)-\d+$/;

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
 * Removes `<path>.tmp-<pid>-<n>` files that a process killed mid-write (SIGKILL, power loss) left
 * next to `path`; only those of processes that no longer exist, so a concurrent writer keeps its own.
 */
export function removeStaleTemps(path: string): void {
  const dir = nodePath.dirname(path);
  const base = nodePath.basename(path);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // the folder does not exist (yet): nothing to sweep
  }
  for (const n of names) {
    if (!n.startsWith(`${base}.tmp-`)) continue;
    const m = TEMP_SUFFIX.exec(n);
    if (m && n.length === base.length + m[0].length && processGone(Number(m[1])))
      fs.rmSync(nodePath.join(dir, n), { force: true });
  }
}

/** Sink for `writeStreamAtomic`: text is UTF-8 encoded. */
export type Emit = (chunk: Uint8Array | string) => void;

/** Writes every byte of `bytes` at the current position of `fd` (writeSync may write fewer). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Writes `path` atomically from what `body` emits: the bytes go to `<path>.tmp-<pid>-<n>` in the same
 * folder (buffered ~1 MiB at a time), are fsynced, then renamed over `path`, so a crash mid-write
 * leaves any previous file intact and never a torn one. The temp file is removed on every failure,
 * and SIGINT/SIGTERM/SIGHUP wait until it is renamed or removed. Returns what `body` returns.
 */
export function writeStreamAtomic<T>(path: string, body: (emit: Emit) => T): T {
  removeStaleTemps(path);
  const tmp = `${path}.tmp-${process.pid}-${tempCounter++}`;
  // File-system errors name the target; errors of `body` itself (a failing query, …) pass unchanged.
  const io = <R>(f: () => R): R => {
    try {
      return f();
    } catch (err) {
      throw fileError(err, "cannot write", path);
    }
  };
  return deferSignals(() => {
    let fd: number | undefined;
    try {
      const out = (fd = io(() => fs.openSync(tmp, "wx")));
      // Text is gathered as a string (cheap appends) and bytes as chunks, ~1 MiB per write.
      let text = "";
      const chunks: Uint8Array[] = [];
      let pending = 0;
      const flush = () => {
        if (text) {
          chunks.push(Buffer.from(text, "utf8"));
          pending += chunks[chunks.length - 1].length;
          text = "";
        }
        if (pending === 0) return;
        const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, pending);
        chunks.length = 0;
        pending = 0;
        io(() => writeAll(out, bytes));
      };
      const result = body((chunk) => {
        if (typeof chunk === "string") {
          text += chunk;
          if (text.length >= 1 << 20) flush();
          return;
        }
        if (text) flush();
        chunks.push(chunk);
        pending += chunk.length;
        if (pending >= 1 << 20) flush();
      });
      flush();
      io(() => fs.fsyncSync(out));
      fd = undefined;
      io(() => fs.closeSync(out));
      io(() => fs.renameSync(tmp, path));
      syncDirectory(nodePath.dirname(path));
      return result;
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
        // The temp file may never have been created, or was renamed before a later step failed.
      }
      throw err;
    }
  });
}

/** `writeStreamAtomic` of one byte array. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  writeStreamAtomic(path, (emit) => emit(bytes));
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
