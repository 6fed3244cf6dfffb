/**
 * Opening a store file safely. A file that is not a shocklens store (not a regular file, not
 * SQLite, corrupt, another program's database, a newer schema) is refused with a one-line
 * InputError naming it, before anything is written to it. Writers open the file in WAL mode and
 * migrate it; readers open it read-only and never write, migrate or wait long on a writer, and
 * work on read-only media (docs/store.md §readers).
 */
import fs from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { errorCode, IoFault, isTransientFault } from "../io/faults.ts";
import { describeFileKind } from "../io/files.ts";
import { checkNotNewer, migrate, SCHEMA_VERSION, userVersion } from "./schema.ts";

// SQLite reads `file:` URIs only when this is set before the native module loads (at the first
// `new Database`); readers need `?immutable=1` for stores on read-only media. Plain paths keep
// their meaning (a relative path that starts with "file:" is opened as "./file:…").
process.env.SQLITE_USE_URI ??= "1";

/**
 * How long a writer waits for another connection's lock before failing with SQLITE_BUSY. In WAL
 * mode readers never block writers and vice versa, so this only covers writer-vs-writer and
 * checkpoints; a generous bound keeps a busy training loop and a sweep from ever seeing BUSY.
 */
export const BUSY_TIMEOUT_MS = 60_000;

/** Readers never wait long: in WAL mode only a checkpoint or recovery can hold them up. */
export const READER_BUSY_TIMEOUT_MS = 2_000;

const SQLITE_HEADER = "SQLite format 3\0";

export interface ConnectOptions {
  /** Busy timeout of a writer (default BUSY_TIMEOUT_MS); a lock held longer is a transient fault. */
  busyTimeoutMs?: number;
}

function sqlitePath(path: string): string {
  return path.startsWith("file:") ? `./${path}` : path;
}

/** Opens (creating if needed) the store at `path`, ready for reads and writes. */
export function connect(path: string, options: ConnectOptions = {}): Database.Database {
  const timeout = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  if (path !== ":memory:" && inspectFile(path) === "sqlite") checkExistingStore(path);
  let db: Database.Database | undefined;
  try {
    if (path !== ":memory:") fs.mkdirSync(dirname(path), { recursive: true });
    db = new Database(path === ":memory:" ? path : sqlitePath(path), { timeout });
    setJournalModeWal(db, timeout);
    db.pragma("synchronous = NORMAL"); // with WAL: durable across process crashes, fsync only at checkpoints
    db.pragma("foreign_keys = ON");
    migrate(db, path);
    return db;
  } catch (err) {
    db?.close();
    throw asInputError(err, path);
  }
}

/**
 * Opens the store at `path` read-only, or returns null when it holds no store yet (an empty file).
 * A missing file is an InputError. On read-only media (no `-shm` file and no way to create one)
 * the file is opened as immutable, which is exact because nothing can change it there.
 */
export function connectReadOnly(path: string): Database.Database | null {
  const kind = inspectFile(path);
  if (kind === "missing") throw new InputError(`no run store at ${path}`);
  if (kind === "empty") return null;
  let db: Database.Database | undefined;
  try {
    db = openReadOnly(path);
    if (!describeStore(db, path)) {
      db.close();
      return null;
    }
    return db;
  } catch (err) {
    db?.close();
    throw asInputError(err, path);
  }
}

function openReadOnly(path: string): Database.Database {
  const open = (name: string) => {
    const db = new Database(name, { readonly: true, fileMustExist: true, timeout: READER_BUSY_TIMEOUT_MS });
    try {
      db.prepare("SELECT count(*) FROM sqlite_master").get(); // opening is lazy: this reads the header and WAL index
      return db;
    } catch (err) {
      db.close();
      throw err;
    }
  };
  try {
    return open(sqlitePath(path));
  } catch (err) {
    if (!cannotCreateSideFiles(err) || folderWritable(path)) throw err;
  }
  // Read-only media: SQLite cannot create the shared-memory index of a WAL file; `immutable` skips it.
  const wal = `${path}-wal`;
  if (fs.existsSync(wal) && fs.statSync(wal).size > 0)
    throw new InputError(
      `store ${path} is on read-only media with an unmerged write-ahead log ${wal}; ` +
        "copy the store and its -wal file to writable media to read it",
    );
  try {
    return open(`${pathToFileURL(path).href}?immutable=1`);
  } catch (err) {
    throw new InputError(`cannot open store ${path} read-only: ${(err as Error).message}`);
  }
}

/**
 * SQLite's refusal to create the `-shm` (or `-wal`) file of a WAL store in a folder it cannot write:
 * CANTOPEN on read-only media, READONLY_DIRECTORY where the folder's permissions forbid it.
 */
function cannotCreateSideFiles(err: unknown): boolean {
  const code = String(errorCode(err));
  return code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_READONLY_DIRECTORY";
}

function folderWritable(path: string): boolean {
  try {
    fs.accessSync(dirname(path), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What is at `path`: nothing, an empty file (SQLite treats it as a new database) or a file with
 * the SQLite header. Anything else — a directory, a FIFO, a device, another format — is refused
 * without blocking (a FIFO is opened non-blocking) and without writing.
 */
function inspectFile(path: string): "missing" | "empty" | "sqlite" {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    if (errorCode(err) === "ENOENT") return "missing";
    throw asInputError(err, path);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new InputError(`store ${path} is ${describeFileKind(st)}; expected a SQLite file`);
    if (st.size === 0) return "empty";
    const buf = Buffer.alloc(SQLITE_HEADER.length);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    if (buf.subarray(0, n).toString("latin1") !== SQLITE_HEADER)
      throw new InputError(`store ${path} is not a SQLite database (bad file header); left it untouched`);
    return "sqlite";
  } catch (err) {
    throw asInputError(err, path);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * True for a shocklens store, false for a SQLite file without tables (a store not created yet);
 * InputError for another program's database or a newer schema.
 */
function describeStore(db: Database.Database, path: string): boolean {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  const version = userVersion(db);
  checkNotNewer(version, SCHEMA_VERSION, path);
  if (tables.length === 0) return false;
  if (version === 0 || !tables.includes("runs"))
    throw new InputError(`store ${path} is a SQLite database but not a shocklens run store; left it untouched`);
  return true;
}

/** Refuses, before a writer opens it, a SQLite file that is not a usable shocklens store. */
function checkExistingStore(path: string): void {
  // A read-only connection to a WAL-mode file creates the -wal/-shm side files when they are
  // missing; if the file turns out to be unusable, remove the ones this check created.
  const sideFiles = [`${path}-wal`, `${path}-shm`].filter((f) => !fs.existsSync(f));
  let ro: Database.Database | undefined;
  try {
    ro = new Database(sqlitePath(path), { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    describeStore(ro, path);
  } catch (err) {
    ro?.close();
    ro = undefined;
    for (const f of sideFiles) fs.rmSync(f, { force: true });
    throw asInputError(err, path);
  } finally {
    ro?.close();
  }
}

/**
 * Switching to WAL needs a brief exclusive lock and SQLite reports a clash as BUSY without calling
 * the busy handler, so retry for a while when two processes open a fresh store at the same moment.
 */
function setJournalModeWal(db: Database.Database, timeoutMs: number): void {
  if (db.memory) return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode === "wal") return;
      throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
    } catch (err) {
      if (errorCode(err) !== "SQLITE_BUSY" || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

/** Maps damage found in the file (not a database, corrupt pages) to a one-line InputError; other errors pass through. */
export function corruptionAsInputError(err: unknown, path: string): unknown {
  const code = errorCode(err) ?? "";
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new InputError(
      `store ${path} is corrupt or not a SQLite database (${(err as Error).message}); left it untouched`,
    );
  }
  return err;
}

/**
 * The error to report for `err` raised while using the store at `path`: damage is an InputError
 * (exit 2), a full disk, an I/O error or a lock held past the busy timeout an IoFault (exit 1) —
 * both naming the store; anything else passes through.
 */
export function storeError(err: unknown, path: string): unknown {
  const mapped = corruptionAsInputError(err, path);
  // Only SQLite's own errors: a training run's fault already names its file and how to resume.
  if (mapped !== err || (err as Error).name !== "SqliteError" || !isTransientFault(err)) return mapped;
  const code = errorCode(err);
  return new IoFault(`store ${path}: ${(err as Error).message} (${code})`, code, path);
}

/** As `corruptionAsInputError`, and also a store that cannot be opened at all (permissions, a path through a file). */
function asInputError(err: unknown, path: string): unknown {
  if (err instanceof InputError) return err;
  const code = errorCode(err) ?? "";
  if (
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_READONLY") ||
    ["EACCES", "EPERM", "ENOTDIR", "EROFS", "ELOOP", "ENAMETOOLONG"].includes(code)
  ) {
    return new InputError(`cannot open store ${path}: ${(err as Error).message}`);
  }
  return corruptionAsInputError(err, path);
}
