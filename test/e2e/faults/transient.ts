/**
 * Items 6 and 8 — transient faults stay resumable: a full disk under the checkpoints or under the
 * store, and a store lock held past the busy timeout, end the command with exit 1 (never 2), a
 * `fault` event where the store can still take one, and a run that is KILLED or RUNNING —
 * resumable — never FAILED; after the cause is gone the resume ends bit-identical. A full disk
 * during an export names the file and leaves no temp file.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { join } from "node:path";
import { mock } from "node:test";
import Database from "better-sqlite3";
import { InputError } from "../../../src/errors.ts";
import { SqliteRunStore } from "../../../src/store/sqlite.ts";
import { trainRun } from "../../../src/train/run.ts";
import { runCliInProcess } from "../../cli/helpers.ts";
import { attack } from "./harness.ts";
import {
  assertSameAsReference,
  config,
  exportArgs,
  interruptedRun,
  resumeArgs,
  RUN,
  scratch,
  smallDisk,
  tempFiles,
  withStore,
} from "./helpers.ts";

const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

/** Fails every write to a file whose name matches `re` with ENOSPC (the injected stand-in for a full disk). */
function failWritesTo(re: RegExp): { restore(): void } {
  const open = fs.openSync;
  const failing = new Set<number>();
  const o = mock.method(fs, "openSync", (path: fs.PathLike, ...rest: unknown[]) => {
    const fd = (open as (...a: unknown[]) => number)(path, ...rest);
    if (re.test(String(path))) failing.add(fd);
    return fd;
  });
  const write = fs.writeSync;
  const w = mock.method(fs, "writeSync", (fd: number, ...rest: unknown[]) => {
    if (failing.has(fd)) throw enospc();
    return (write as (...a: unknown[]) => number)(fd, ...rest);
  });
  return { restore: () => (o.mock.restore(), w.mock.restore()) };
}

attack(
  "item 6: disk full while writing a checkpoint — exit 1, a fault event, KILLED, no temp file; resumes bit-identical",
  async () => {
    const dir = scratch();
    const cfg = join(dir, "run.json");
    fs.writeFileSync(cfg, JSON.stringify(RUN));
    const path = join(dir, "runs.db");
    // The run folder on a disk with room for three small checkpoints, or writes to checkpoint 40 failing.
    const disk = smallDisk(`${path}.runs`, 12 * 1024);
    const injected = disk ? null : failWritesTo(/checkpoint-00000040\.safetensors\.tmp-/);
    let r;
    try {
      r = await runCliInProcess(["train", "--config", cfg, "--store", path, "--quiet"]);
    } finally {
      injected?.restore();
    }
    assert.equal(r.code, 1, `a full disk is a runtime failure, not bad input: ${r.stderr}`);
    assert.match(
      r.stderr,
      new RegExp(
        "^shocklens: error: cannot write .*checkpoint-000000\\d0\\.safetensors \\(ENOSPC\\); run ([0-9a-f]{12}) is KILLED " +
          "at step \\d+; once the cause is fixed, shocklens train --resume \\1 --store .* continues it\n$",
      ),
    );
    const id = /run ([0-9a-f]{12})/.exec(r.stderr)?.[1] as string;
    withStore(path, (s) => {
      assert.equal(s.getRun(id).status, "KILLED");
      const [ev] = s.events(id, { kind: "fault" });
      assert.equal(ev.payload.code, "ENOSPC");
      assert.equal(ev.payload.transient, true);
    });
    assert.deepEqual(tempFiles(join(`${path}.runs`, id)), []);
    disk?.resize(4 * 2 ** 20);
    try {
      const again = await runCliInProcess(resumeArgs(id, path));
      assert.equal(again.code, 0, again.stderr);
      await assertSameAsReference(path, id);
    } finally {
      disk?.release();
    }
  },
);

attack(
  "item 6: disk full under the store itself (SQLITE_FULL) — a runtime failure, and the run resumes bit-identical",
  async ({ skip }) => {
    const dir = join(scratch(), "small");
    const disk = smallDisk(dir, 400_000);
    if (!disk) return skip("needs a small tmpfs (root with mount rights); SQLite's own writes cannot be injected");
    try {
      const path = join(dir, "runs.db");
      let id = "";
      const s = SqliteRunStore.open(path);
      await assert.rejects(trainRun({ store: s, config: config(), onRun: (h) => (id = h.id) }), (e: unknown) => {
        assert.ok(!(e instanceof InputError), String(e));
        assert.equal((e as { code?: string }).code, "SQLITE_FULL");
        assert.match(
          (e as Error).message,
          /database or disk is full; run [0-9a-f]{12} (is KILLED|stopped) at step \d+/,
        );
        return true;
      });
      s.close();
      disk.resize(8 * 2 ** 20);
      withStore(path, (st) => assert.notEqual(st.getRun(id).status, "FAILED"));
      const r = await runCliInProcess(resumeArgs(id, path));
      assert.equal(r.code, 0, r.stderr);
      await assertSameAsReference(path, id);
    } finally {
      disk.release();
    }
  },
);

attack("item 6: the store's write lock held past the busy timeout — SQLITE_BUSY, never FAILED, resumable", async () => {
  const path = join(scratch(), "runs.db");
  const s = SqliteRunStore.open(path, { busyTimeoutMs: 300 });
  let id = "";
  const locker = new Database(path);
  try {
    await assert.rejects(
      trainRun({
        store: s,
        config: config(),
        onRun: (h) => (id = h.id),
        callbacks: [{ onStep: (i) => i.step === 25 && locker.prepare("BEGIN IMMEDIATE").run() }],
      }),
      (e: unknown) => !(e instanceof InputError) && (e as { code?: string }).code === "SQLITE_BUSY",
    );
  } finally {
    if (locker.inTransaction) locker.prepare("ROLLBACK").run();
    locker.close();
    s.close();
  }
  withStore(path, (st) => assert.ok(["RUNNING", "KILLED"].includes(st.getRun(id).status), st.getRun(id).status));
  const r = await runCliInProcess(resumeArgs(id, path));
  assert.equal(r.code, 0, r.stderr);
  await assertSameAsReference(path, id);
});

attack("item 8: disk full during an export — exit 1 naming the file, no temp file, the store untouched", async () => {
  const { path, id } = await interruptedRun(scratch(), 30);
  const outDir = join(scratch(), "out");
  const disk = smallDisk(outDir, 4096);
  fs.mkdirSync(outDir, { recursive: true });
  if (disk) fs.writeFileSync(join(outDir, "filler"), new Uint8Array(4096 - 512).fill(1), { flag: "w" });
  const injected = disk ? null : failWritesTo(/export\.csv\.tmp-/);
  const before = withStore(path, (s) => s.getRun(id).scalarCount);
  let r;
  try {
    r = await runCliInProcess(exportArgs(id, path, "csv", join(outDir, "export.csv")));
  } finally {
    injected?.restore();
    disk?.release();
  }
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^shocklens: error: cannot write .*out\/export\.csv \(ENOSPC\)\n$/);
  if (!disk) assert.deepEqual(tempFiles(outDir), []);
  assert.equal(
    withStore(path, (s) => s.getRun(id).scalarCount),
    before,
  );
});
