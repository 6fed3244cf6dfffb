/**
 * Checks on values handed to the store (in the terms of src/validate.ts), so bad input fails at
 * the call with a one-line InputError naming the field, rather than as a SQLite constraint error
 * later; and the store's own rules (status transitions, artifact digests).
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { InputError } from "../errors.ts";
import { fieldError, integer, nonEmptyString, oneOf } from "../validate.ts";
import { RUN_STATUSES, type RunStatus } from "./types.ts";

export function checkName(value: unknown, field: string): string {
  return nonEmptyString(value, field);
}

export function checkStep(step: unknown, field = "step"): number {
  return integer(step, field);
}

export function checkWallTime(t: unknown, field = "wallTime"): number {
  if (typeof t !== "number" || !Number.isFinite(t)) throw fieldError(field, "a finite number of Unix seconds", t);
  return t;
}

export function checkSeed(seed: unknown): number | null {
  return seed === undefined || seed === null ? null : integer(seed, "seed");
}

export function checkStatus(status: unknown, field = "status"): RunStatus {
  return oneOf(status, field, RUN_STATUSES);
}

/** Event kinds are lower_snake_case identifiers so they work as filters and column headers. */
export function checkEventKind(kind: unknown): string {
  if (typeof kind !== "string" || !/^[a-z][a-z0-9_]*$/.test(kind))
    throw fieldError("event kind", 'a lower_snake_case name like "shock"', kind);
  return kind;
}

export function checkLimit(limit: unknown): number {
  if (limit === undefined) return -1; // SQLite: LIMIT -1 means no limit
  return integer(limit, "limit", 1);
}

/**
 * Allowed status changes. FINISHED and FAILED are final, so a stray worker cannot rewrite an ended
 * run's record; a KILLED run (stopped by its user, checkpoint kept) may be resumed and run again.
 */
const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  SCHEDULED: ["RUNNING", "FAILED", "KILLED"],
  RUNNING: ["FINISHED", "FAILED", "KILLED"],
  FINISHED: [],
  FAILED: [],
  KILLED: ["RUNNING"],
};

export function checkTransition(id: string, from: RunStatus, to: RunStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new InputError(
      `run ${id} is ${from}; it cannot become ${to} (allowed: ${TRANSITIONS[from].join(", ") || "none, it has ended"})`,
    );
  }
}

/** Size and sha256 of a file, read in chunks so multi-GB checkpoints do not need to fit in memory. */
export function fileDigest(path: string): { bytes: number; sha256: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO must not block the store
  } catch (err) {
    throw new InputError(`artifact ${path}: cannot read it to compute its size and sha256 (${(err as Error).message})`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new InputError(`artifact ${path}: not a regular file`);
    const hash = createHash("sha256");
    const buf = Buffer.alloc(1 << 20);
    let bytes = 0;
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) hash.update(buf.subarray(0, n));
    return { bytes, sha256: hash.digest("hex") };
  } finally {
    closeSync(fd);
  }
}
