/**
 * Items 3, 4 and 8 — verified checkpoints: a damaged, edited or foreign checkpoint is never resumed
 * from (the newest that verifies is, with an event saying why the others were skipped); a resume
 * from another working directory continues where the run stopped; a missing checkpoint folder is
 * an error, never a silent restart from step 0; no checkpoint event twice, no row for a pruned file.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import Database from "better-sqlite3";
import { key, uniformArray } from "../../../src/core/random.ts";
import { readSafetensors, writeSafetensors } from "../../../src/io/safetensors.ts";
import { sha256Hex } from "../../../src/store/codec.ts";
import { SqliteRunStore } from "../../../src/store/sqlite.ts";
import { trainRun } from "../../../src/train/run.ts";
import { runCliInProcess } from "../../cli/helpers.ts";
import { attack } from "./harness.ts";
import { assertSameAsReference, config, interruptedRun, resumeArgs, scratch, withStore } from "./helpers.ts";

const resume = (id: string, path: string, cwd?: string) => runCliInProcess(resumeArgs(id, path, "--json"), { cwd });

const checkpointsOf = (path: string, id: string) =>
  withStore(path, (s) => s.artifacts(id).filter((a) => a.kind === "checkpoint"));

/** Flips one bit (chosen by `seed`) in the first tensor's data of a safetensors file. */
function flipBit(file: string, seed: number): void {
  const bytes = readFileSync(file);
  const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
  const [u, v] = uniformArray(key(seed), 2);
  const at = headerEnd + Math.floor(u * 64);
  bytes[at] ^= 1 << Math.floor(v * 8);
  writeFileSync(file, bytes);
}

/** Records `file`'s current size and sha256 as the store's record of it (an attacker who also edits the store). */
function rerecord(path: string, file: string): void {
  const bytes = readFileSync(file);
  const db = new Database(path);
  db.prepare("UPDATE artifacts SET bytes = ?, sha256 = ? WHERE path LIKE ?").run(
    bytes.length,
    sha256Hex(bytes),
    `%${basename(file)}`,
  );
  db.close();
}

/** What must not change when a resume is refused. */
const state = (path: string, id: string) =>
  withStore(path, (s) => ({
    status: s.getRun(id).status,
    scalars: s.getRun(id).scalarCount,
    events: s.events(id).length,
  }));

attack(
  "item 3: a flipped bit in the newest checkpoint — resume falls back to the previous one, says so, ends bit-identical",
  async () => {
    const { path, id } = await interruptedRun(scratch(), 37);
    const files = checkpointsOf(path, id).map((a) => a.path);
    assert.deepEqual(
      files.map((f) => basename(f)),
      ["checkpoint-00000020.safetensors", "checkpoint-00000030.safetensors", "checkpoint-00000037.safetensors"],
    );
    flipBit(files[2], 1);
    const r = await resume(id, path);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).resumedFrom, 30);
    withStore(path, (s) => {
      const [ev] = s.events(id, { kind: "checkpoint_rejected" });
      assert.equal(ev.step, 37);
      assert.match(String(ev.payload.reason), /differs from what the store recorded when it was written/);
    });
    await assertSameAsReference(path, id);
  },
);

attack("item 3: every checkpoint damaged — the resume is refused naming each, and nothing changes", async () => {
  const { path, id } = await interruptedRun(scratch(), 37);
  checkpointsOf(path, id).forEach((a, i) => flipBit(a.path, 10 + i));
  const before = state(path, id);
  const r = await resume(id, path);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    /none of its 3 checkpoint\(s\) verifies \(checkpoint-00000037\.safetensors: .*checkpoint-00000020\.safetensors: .*\); nothing/,
  );
  assert.deepEqual(state(path, id), before);
  withStore(path, (s) => assert.equal(s.owner(id), null, "the refused resume released its lease"));
});

attack(
  "item 3: an edited step in the metadata is not believed, even with the store's record edited to match",
  async () => {
    const { path, id } = await interruptedRun(scratch(), 37);
    const newest = checkpointsOf(path, id)[2].path;
    const { tensors, metadata } = readSafetensors(newest);
    writeSafetensors(newest, tensors, { ...metadata, step: "36" });
    let r = await resume(id, path);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).resumedFrom, 30, "caught by its sha256");

    const second = await interruptedRun(scratch(), 37);
    const file = checkpointsOf(second.path, second.id)[2].path;
    const t = readSafetensors(file);
    writeSafetensors(file, t.tensors, { ...t.metadata, step: "36" });
    rerecord(second.path, file);
    r = await resume(second.id, second.path);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).resumedFrom, 30);
    withStore(second.path, (s) =>
      assert.match(
        String(s.events(second.id, { kind: "checkpoint_rejected" })[0].payload.reason),
        /metadata says step 36, the store registered it at step 37/,
      ),
    );
    await assertSameAsReference(second.path, second.id);
  },
);

attack("item 3: another run's checkpoint under this run's file name is refused", async () => {
  const dir = scratch();
  const { path, id } = await interruptedRun(dir, 37);
  const other = await interruptedRun(join(dir, "other"), 37, config({ seed: 99 }));
  const mine = checkpointsOf(path, id)[2].path;
  copyFileSync(checkpointsOf(other.path, other.id)[2].path, mine);
  rerecord(path, mine);
  const r = await resume(id, path);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).resumedFrom, 30);
  withStore(path, (s) =>
    assert.match(
      String(s.events(id, { kind: "checkpoint_rejected" })[0].payload.reason),
      new RegExp(`metadata names run "${other.id}"`),
    ),
  );
  await assertSameAsReference(path, id);
});

attack(
  "item 4: resuming from another working directory continues from the checkpoint; no checkpoint event twice, no row for a pruned file",
  async () => {
    const dir = scratch();
    const a = join(dir, "a");
    const b = join(dir, "b");
    mkdirSync(a);
    mkdirSync(b);
    const home = process.cwd();
    let id = "";
    process.chdir(a);
    try {
      const s = SqliteRunStore.open("runs.db"); // relative, as a user types it
      const stop = new AbortController();
      id = (
        await trainRun({
          store: s,
          config: config(),
          signal: stop.signal,
          callbacks: [{ onStep: (i) => i.step === 37 && stop.abort() }],
        })
      ).id;
      s.close();
    } finally {
      process.chdir(home);
    }
    const path = join(a, "runs.db");
    const r = await resume(id, relative(b, path), b);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).resumedFrom, 37);
    withStore(path, (s) => {
      const steps = s.events(id, { kind: "checkpoint" }).map((e) => e.step);
      assert.deepEqual(steps, [...new Set(steps)], "each checkpoint event once");
      const registered = s
        .artifacts(id)
        .filter((x) => x.kind === "checkpoint")
        .map((x) => basename(x.path))
        .sort();
      const onDisk = readdirSync(join(a, "runs.db.runs", id))
        .filter((n) => n.startsWith("checkpoint-"))
        .sort();
      assert.deepEqual(registered, onDisk, "rows and files agree after pruning");
    });
    await assertSameAsReference(path, id);
  },
);

attack("item 8: a deleted checkpoint folder is an error naming it, not a restart from step 0", async () => {
  const { path, id } = await interruptedRun(scratch(), 37);
  rmSync(`${path}.runs`, { recursive: true });
  const before = state(path, id);
  const r = await resume(id, path);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `run ${id}: its checkpoint folder .*runs\\.db\\.runs/${id} is missing \\(3 checkpoint\\(s\\) registered, the newest at step 37\\)`,
    ),
  );
  assert.deepEqual(state(path, id), before);
});
