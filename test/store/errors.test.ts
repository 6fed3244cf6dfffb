/** How store failures are reported (docs/store.md §faults): a lock held past the busy timeout names the store, a runtime failure. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import Database from "better-sqlite3";
import { InputError } from "../../src/errors.ts";
import { IoFault, isTransientFault } from "../../src/io/faults.ts";
import { storeError } from "../../src/store/connect.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { scratchDir } from "./helpers.ts";

test("a write lock held past the busy timeout is SQLITE_BUSY: a transient IoFault naming the store, not bad input", () => {
  const path = join(scratchDir(), "busy.db");
  const s = SqliteRunStore.open(path, { busyTimeoutMs: 50 });
  const other = new Database(path);
  other.prepare("BEGIN IMMEDIATE").run();
  try {
    let caught: unknown;
    try {
      s.createRun({ name: "blocked" });
    } catch (err) {
      caught = err;
    }
    assert.ok(isTransientFault(caught), String(caught));
    const reported = storeError(caught, path);
    assert.ok(reported instanceof IoFault && !(reported instanceof InputError));
    assert.equal(reported.code, "SQLITE_BUSY");
    assert.match(reported.message, /^store .*busy\.db: database is locked \(SQLITE_BUSY\)$/);
  } finally {
    other.prepare("ROLLBACK").run();
    other.close();
  }
  assert.equal(s.createRun({ name: "after" }).name, "after", "the store works once the lock is gone");
  s.close();
});

test("storeError: damage is an InputError naming the store; other errors pass through unchanged", () => {
  const corrupt = Object.assign(new Error("database disk image is malformed"), { code: "SQLITE_CORRUPT" });
  const r = storeError(corrupt, "s.db");
  assert.ok(r instanceof InputError);
  assert.match(r.message, /^store s\.db is corrupt or not a SQLite database/);
  const bug = new TypeError("x is undefined");
  assert.equal(storeError(bug, "s.db"), bug);
});
