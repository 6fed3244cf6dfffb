/**
 * Items 7 and 8 — readers are readers: `runs list/show/export` open the store read-only, work on
 * read-only media, never wait on a writer, and change nothing; a damaged store is exit 2 naming
 * the file, whether the damage is in a page header or in the JSON it holds.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { sha256Hex } from "../../../src/store/codec.ts";
import { runCliInProcess } from "../../cli/helpers.ts";
import { attack } from "./harness.ts";
import { exportArgs, interruptedRun, readOnlyView, resumeArgs, scratch, withStore } from "./helpers.ts";

/** The store's folder as it is on disk: names, sizes, modification times and content digests. */
const fingerprint = (dir: string) =>
  readdirSync(dir)
    .sort()
    .map((n) => {
      const st = statSync(join(dir, n));
      return [n, st.size, st.mtimeMs, st.isFile() ? sha256Hex(readFileSync(join(dir, n))) : "dir"];
    });

async function readAll(path: string, id: string, out: string): Promise<void> {
  const list = await runCliInProcess(["runs", "list", "--store", path, "--json"]);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(
    JSON.parse(list.stdout).runs.map((r: { id: string }) => r.id),
    [id],
  );
  const show = await runCliInProcess(["runs", "show", id, "--store", path, "--json"]);
  assert.equal(show.code, 0, show.stderr);
  const scalars = JSON.parse(show.stdout).run.scalarCount as number;
  const exp = await runCliInProcess(exportArgs(id, path, "csv", out));
  assert.equal(exp.code, 0, exp.stderr);
  assert.equal(readFileSync(out, "utf8").trimEnd().split("\n").length, scalars + 1, "every scalar exported");
  const report = await runCliInProcess(["report", id, "--store", path, "--out", `${out}.html`, "--no-analysis"]);
  assert.equal(report.code, 0, report.stderr);
}

attack(
  "item 7: runs list/show/export and report on read-only media change nothing and succeed; a resume is refused",
  async () => {
    const { path, id } = await interruptedRun(scratch(), 30);
    const src = join(scratch(), "src");
    mkdirSync(src);
    copyFileSync(path, join(src, "runs.db"));
    const view = readOnlyView(src, join(scratch(), "ro"));
    const dir = view?.path ?? src;
    try {
      const before = fingerprint(dir);
      await readAll(join(dir, "runs.db"), id, join(scratch(), "export.csv"));
      // On writable media SQLite may add its coordination files next to the store (an empty -wal and
      // the -shm index) as any reader does; the store itself is never written.
      const after = fingerprint(dir).filter(
        ([n, size]) => view || !(n === "runs.db-shm" || (n === "runs.db-wal" && size === 0)),
      );
      assert.deepEqual(after, before, `nothing written next to the store (${view?.how ?? "writable folder"})`);
      if (view) {
        const r = await runCliInProcess(resumeArgs(id, join(dir, "runs.db")));
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /cannot open store .*runs\.db/);
      }
    } finally {
      view?.release();
    }
  },
);

attack("item 7: readers do not wait for a writer that holds the store's write lock", async () => {
  const { path, id } = await interruptedRun(scratch(), 30);
  const writer = new Database(path);
  writer.prepare("BEGIN IMMEDIATE").run();
  writer.prepare("UPDATE runs SET name = 'uncommitted'").run();
  try {
    const t0 = performance.now();
    await readAll(path, id, join(scratch(), "export.csv"));
    const ms = performance.now() - t0;
    assert.ok(ms < 5000, `the readers took ${ms.toFixed(0)} ms behind the writer`);
    const show = await runCliInProcess(["runs", "show", id, "--store", path, "--json"]);
    assert.equal(JSON.parse(show.stdout).run.name, "fault-target", "readers see only committed data");
  } finally {
    writer.prepare("ROLLBACK").run();
    writer.close();
  }
});

attack("item 7: a corrupt page header is exit 2 naming the store, and the file is left as it was", async () => {
  const { path, id } = await interruptedRun(scratch(), 30);
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16);
  for (let p = pageSize; p < bytes.length; p += pageSize) bytes.fill(0xee, p, p + 8); // b-tree page headers
  writeFileSync(path, bytes);
  const digest = sha256Hex(readFileSync(path));
  for (const args of [
    ["runs", "list"],
    ["runs", "show", id],
  ]) {
    const r = await runCliInProcess([...args, "--store", path]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^shocklens: store .*runs\.db is corrupt or not a SQLite database \(.*\); left it untouched\n$/,
    );
  }
  assert.equal(sha256Hex(readFileSync(path)), digest);
});

attack("item 8: invalid JSON inside the store is exit 2 naming the store and the damaged record", async () => {
  const { path, id } = await interruptedRun(scratch(), 30);
  const db = new Database(path);
  db.prepare("UPDATE runs SET config = '{\"broken' WHERE id = ?").run(id);
  db.prepare("UPDATE events SET payload = 'nope' WHERE kind = 'checkpoint'").run();
  db.close();
  let r = await runCliInProcess(["runs", "show", id, "--store", path]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(`^shocklens: store .*runs\\.db: run ${id} config is not valid JSON \\(.*\\); the file is damaged\\n$`),
  );
  r = await runCliInProcess(resumeArgs(id, path));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /runs\.db: run [0-9a-f]{12} config is not valid JSON/);
  r = await runCliInProcess(exportArgs(id, path, "jsonl", join(scratch(), "x.jsonl")));
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /runs\.db: run [0-9a-f]{12} (config|event \d+) is not valid JSON/);
  withStore(path, (s) => assert.equal(s.listRuns()[0].status, "KILLED", "nothing changed"));
});
