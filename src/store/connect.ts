/**
 * Opening a store file safely: a file that is not a shocklens store (not SQLite, corrupt, another
 * program's database, a newer schema) is refused with a one-line InputError before anything is
 * written to it; a good one is opened in WAL mode and migrated.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { checkNotNewer, migrate, SCHEMA_VERSION, userVersion } from "./schema.ts";

/**
 * How long a statement waits for another connection's lock before failing with SQLITE_BUSY. In WAL
 * mode readers never block writers and vice versa, so this only covers writer-vs-writer and
 * checkpoints; a generous bound keeps a busy training loop and a sweep from ever seeing BUSY.
 */
export const BUSY_TIMEOUT_MS = 60_000;

const SQLITE_HEADER = "SQLite format 3\0";

/** Opens (creating if needed) the store at `path`, ready for reads and writes. */
export function connect(path: string): Database.Database {
  if (path !== ":memory:") checkExistingFile(path);
  let db: Database.Database | undefined;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    setJournalModeWal(db);
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
 * Refuses, without writing, a file that exists but is not a usable shocklens store. An empty
 * file is accepted: SQLite treats it as a new database.
 */
function checkExistingFile(path: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new InputError(`store ${path} is a directory; expected a SQLite file`);
    size = st.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw asInputError(err, path);
  }
  if (size === 0) return;
  if (readHeader(path) !== SQLITE_HEADER)
    throw new InputError(`store ${path} is not a SQLite database (bad file header); left it untouched`);
  // A read-only connection to a WAL-mode file creates the -wal/-shm side files when they are
  // missing; if the file turns out to be unusable, remove the ones this check created.
  const sideFiles = [`${path}-wal`, `${path}-shm`].filter((f) => !existsSync(f));
  let ro: Database.Database | undefined;
  try {
    ro = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    const tables = ro.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    const version = userVersion(ro);
    checkNotNewer(version, SCHEMA_VERSION, path);
    if (tables.length > 0 && (version === 0 || !tables.includes("runs"))) {
      throw new InputError(`store ${path} is a SQLite database but not a shocklens run store; left it untouched`);
    }
  } catch (err) {
    ro?.close();
    ro = undefined;
    for (const f of sideFiles) rmSync(f, { force: true });
    throw asInputError(err, path);
  } finally {
    ro?.close();
  }
}

function readHeader(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString("latin1");
  } finally {
    closeSync(fd);
  }
}

/**
 * Switching to WAL needs a brief exclusive lock and SQLite reports a clash as BUSY without calling
 * the busy handler, so retry for a while when two processes open a fresh store at the same moment.
 */
function setJournalModeWal(db: Database.Database): void {
  if (db.memory) return;
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode === "wal") return;
      throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
    } catch (err) {
      if (sqliteCode(err) !== "SQLITE_BUSY" || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

function sqliteCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
}

/** Maps damage found in the file (not a database, corrupt pages) to a one-line InputError; other errors pass through. */
export function corruptionAsInputError(err: unknown, path: string): unknown {
  const code = sqliteCode(err) ?? "";
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new InputError(
      `store ${path} is corrupt or not a SQLite database (${(err as Error).message}); left it untouched`,
    );
  }
  return err;
}

/** As `corruptionAsInputError`, and also a store that cannot be opened at all (permissions, a path through a file). */
function asInputError(err: unknown, path: string): unknown {
  if (err instanceof InputError) return err;
  const code = sqliteCode(err) ?? "";
  if (
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_READONLY") ||
    ["EACCES", "EPERM", "ENOTDIR", "EROFS"].includes(code)
  ) {
    return new InputError(`cannot open store ${path}: ${(err as Error).message}`);
  }
  return corruptionAsInputError(err, path);
}
