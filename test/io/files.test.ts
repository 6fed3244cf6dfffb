import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { mock, test } from "node:test";
import { IoFault } from "../../src/io/faults.ts";
import { readFileChecked, writeFileAtomic } from "../../src/io/files.ts";
import { assertInputError, tempDir } from "./helpers.ts";

const FILES_TS = path.join(import.meta.dirname, "..", "..", "src", "io", "files.ts");

test("readFileChecked reports missing files, directories and unreadable files", (t) => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, "x.bin");
    fs.writeFileSync(file, Uint8Array.from([1, 2, 3]));
    assert.deepEqual([...readFileChecked(file, "data file")], [1, 2, 3]);
    assertInputError(
      () => readFileChecked(path.join(dir, "nope.bin"), "data file"),
      /^data file .*nope\.bin does not exist$/,
    );
    assertInputError(() => readFileChecked(dir, "data file"), /^data file .* is a directory$/);
    assertInputError(
      () => readFileChecked(path.join(file, "child"), "data file"),
      /has a path component that is not a directory/,
    );
    if (process.getuid?.() === 0) {
      t.diagnostic("running as root: permission check skipped");
    } else {
      fs.chmodSync(file, 0o000);
      assertInputError(() => readFileChecked(file, "data file"), /is not readable \(permission denied\)/);
    }
  } finally {
    cleanup();
  }
});

test("writeFileAtomic writes, replaces and leaves no temp files", () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, "out.bin");
    writeFileAtomic(file, Uint8Array.from([1, 2]));
    writeFileAtomic(file, Uint8Array.from([3, 4, 5]));
    assert.deepEqual([...fs.readFileSync(file)], [3, 4, 5]);
    writeFileAtomic(file, new Uint8Array(0));
    assert.equal(fs.readFileSync(file).length, 0);
    assert.deepEqual(fs.readdirSync(dir), ["out.bin"]);
  } finally {
    cleanup();
  }
});

test("writeFileAtomic: a bad path is an InputError, a full disk a runtime IoFault; both keep the old file and remove the temp file", () => {
  const { dir, cleanup } = tempDir();
  try {
    assertInputError(
      () => writeFileAtomic(path.join(dir, "missing", "f.bin"), new Uint8Array(1)),
      /^cannot write .*f\.bin \(ENOENT\)$/,
    );

    const asDir = path.join(dir, "taken");
    fs.mkdirSync(asDir);
    fs.writeFileSync(path.join(asDir, "keep"), "x");
    assertInputError(
      () => writeFileAtomic(asDir, new Uint8Array(1)),
      /^cannot write .*taken \((EISDIR|ENOTEMPTY|EEXIST|EPERM)\)$/,
    );

    const file = path.join(dir, "old.bin");
    fs.writeFileSync(file, "previous contents");
    const realWrite = fs.writeSync as (fd: number, buf: Uint8Array, off: number, len: number) => number;
    let calls = 0;
    // The first write succeeds partially, the next one fails: a disk filling up mid-file.
    const failing = mock.method(fs, "writeSync", (fd: number, buf: Uint8Array, off: number) => {
      if (calls++ === 0) return realWrite(fd, buf, off, 1);
      throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
    });
    try {
      assert.throws(
        () => writeFileAtomic(file, new Uint8Array(1000)),
        (e: unknown) =>
          e instanceof IoFault && e.code === "ENOSPC" && /^cannot write .*old\.bin \(ENOSPC\)$/.test(e.message),
      );
    } finally {
      failing.mock.restore();
    }
    assert.equal(calls, 2);
    assert.equal(fs.readFileSync(file, "utf8"), "previous contents");
    assert.deepEqual(fs.readdirSync(dir).sort(), ["old.bin", "taken"]);
  } finally {
    cleanup();
  }
});

test("a process killed before the rename leaves the previous file intact", () => {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, "model.bin");
    fs.writeFileSync(file, "previous contents");
    const script = [
      "import fs from 'node:fs';",
      `import { writeFileAtomic } from ${JSON.stringify(FILES_TS)};`,
      "fs.renameSync = () => process.kill(process.pid, 'SIGKILL');",
      `writeFileAtomic(${JSON.stringify(file)}, new Uint8Array(1 << 20).fill(7));`,
    ].join("\n");
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    assert.equal(r.signal, "SIGKILL", r.stderr);
    assert.equal(fs.readFileSync(file, "utf8"), "previous contents");
    const temps = fs.readdirSync(dir).filter((n) => n.startsWith("model.bin.tmp-"));
    assert.equal(temps.length, 1, "the complete temp file is what a crash leaves behind");
    assert.equal(fs.statSync(path.join(dir, temps[0])).size, 1 << 20);
  } finally {
    cleanup();
  }
});
