/** The output guard (docs/store.md §outputs): identity through links, the store's files, special files, --force. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalPath, checkOutput, checkOutputs } from "../../src/io/output.ts";
import { assertInputError, tempDir } from "./helpers.ts";

test("checkOutput sees through symbolic and hard links to an input, and compares paths that do not exist yet", () => {
  const { dir, cleanup } = tempDir();
  try {
    const input = join(dir, "in.bin");
    writeFileSync(input, "x");
    symlinkSync(input, join(dir, "soft"));
    linkSync(input, join(dir, "hard"));
    mkdirSync(join(dir, "sub"));
    symlinkSync(dir, join(dir, "sub", "up"));
    const guard = { inputs: [{ path: input, what: "--weights" }], force: true };
    for (const out of [
      input,
      join(dir, "soft"),
      join(dir, "hard"),
      join(dir, "sub", "up", "in.bin"),
      join(dir, "sub", "..", "in.bin"),
    ])
      assertInputError(
        () => checkOutput({ path: out, what: "--out" }, guard),
        /is the same file as --weights .*in\.bin; writing it would destroy that input/,
        out,
      );
    // A new file is no input; the same new path given twice is.
    checkOutput({ path: join(dir, "new.bin"), what: "--out" }, guard);
    assertInputError(
      () =>
        checkOutputs(
          [
            { path: join(dir, "new.bin"), what: "--canonical" },
            { path: join(dir, "sub", "up", "new.bin"), what: "--out" },
          ],
          guard,
        ),
      /--out .*new\.bin and --canonical .*new\.bin are the same file/,
    );
    assert.equal(canonicalPath(join(dir, "sub", "up", "missing", "f")), join(canonicalPath(dir), "missing", "f"));
  } finally {
    cleanup();
  }
});

test("checkOutput protects the store, its side files (existing or not) and its run folders", () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = join(dir, "s.db");
    writeFileSync(store, "");
    mkdirSync(join(dir, "s.db.runs", "abc"), { recursive: true });
    const guard = { store, force: true };
    for (const side of [store, `${store}-wal`, `${store}-shm`, `${store}-journal`])
      assertInputError(
        () => checkOutput({ path: side, what: "--out" }, guard),
        /is the run store .*; writing it would destroy every run in it/,
      );
    for (const inside of [join(dir, "s.db.runs"), join(dir, "s.db.runs", "abc", "x.csv")])
      assertInputError(() => checkOutput({ path: inside, what: "--out" }, guard), /lies inside the run store's folder/);
    checkOutput({ path: join(dir, "s.db.runs-not", "x.csv"), what: "--out" }, guard);
    checkOutput({ path: join(dir, "other.csv"), what: "--out" }, guard);
  } finally {
    cleanup();
  }
});

test("checkOutput refuses special files and existing files without force; directories only where a folder is expected", () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = join(dir, "exists.csv");
    writeFileSync(file, "x");
    const fifo = join(dir, "p");
    execFileSync("mkfifo", [fifo]);
    assertInputError(
      () => checkOutput({ path: file, what: "--out" }, {}),
      /already exists; pass --force to overwrite it/,
    );
    checkOutput({ path: file, what: "--out" }, { force: true });
    assertInputError(
      () => checkOutput({ path: "/dev/null", what: "--out" }, { force: true }),
      /is a character device; expected a regular file/,
    );
    assertInputError(() => checkOutput({ path: fifo, what: "--out" }, { force: true }), /is a FIFO \(named pipe\)/);
    assertInputError(
      () => checkOutput({ path: dir, what: "--out" }, { force: true }),
      /is a directory; expected a regular file/,
    );
    checkOutput({ path: dir, what: "--out" }, {}, "directory");
    assertInputError(
      () => checkOutput({ path: file, what: "--out" }, {}, "directory"),
      /is a regular file; expected a directory/,
    );
    assertInputError(() => checkOutput({ path: " ", what: "--out" }, {}), /--out: expected a file path/);
  } finally {
    cleanup();
  }
});
