/**
 * Which failures are the user's to fix (an `InputError`, exit 2) and which are the machine's
 * (exit 1): a path that cannot exist or be written is bad input; a full disk, an I/O error or a
 * database lock held past the timeout is a *transient* fault — the same command run again later
 * succeeds, so whatever it was doing must stay resumable (docs/store.md §faults).
 */
import { InputError } from "../errors.ts";

/** errno codes of a path that is unusable as given (missing folder, permissions, a file in the way). */
const PATH_ERRNOS = new Set([
  "ENOENT",
  "ENOTDIR",
  "EACCES",
  "EPERM",
  "EISDIR",
  "EROFS",
  "ENAMETOOLONG",
  "EEXIST",
  "ENOTEMPTY",
  "ELOOP",
  "EXDEV",
]);

/** errno codes of a machine in trouble: retrying later (after freeing space, …) can succeed. */
const TRANSIENT_ERRNOS = new Set(["ENOSPC", "EDQUOT", "EIO", "EAGAIN", "EBUSY", "ENOMEM", "EMFILE", "ENFILE"]);

/** SQLite result codes (primary or extended, e.g. SQLITE_IOERR_WRITE) of the same kind. */
const TRANSIENT_SQLITE = [
  "SQLITE_FULL",
  "SQLITE_IOERR",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_PROTOCOL",
  "SQLITE_NOMEM",
];

export function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err ? String((err as { code: unknown }).code) : undefined;
}

/** True for a full disk, an I/O error, or a store lock held past the busy timeout. */
export function isTransientFault(err: unknown): boolean {
  if (err instanceof InputError) return false;
  const code = errorCode(err);
  if (code === undefined) return false;
  return TRANSIENT_ERRNOS.has(code) || TRANSIENT_SQLITE.some((c) => code === c || code.startsWith(`${c}_`));
}

export function isPathError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && PATH_ERRNOS.has(code);
}

/**
 * A runtime failure while writing or reading a file, with the file named and the system's code
 * kept (so `isTransientFault` still recognises it after the message was made readable).
 */
export class IoFault extends Error {
  override name = "IoFault";
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * The error to throw for `err` raised while `doing` (e.g. "cannot write") `path`: an InputError for
 * a path problem, an IoFault naming the file otherwise.
 */
export function fileError(err: unknown, doing: string, path: string): Error {
  if (err instanceof InputError || err instanceof IoFault) return err;
  const code = errorCode(err);
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  const message = `${doing} ${path} (${detail})`;
  return isPathError(err) ? new InputError(message) : new IoFault(message, code, path);
}
