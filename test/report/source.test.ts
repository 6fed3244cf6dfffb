/** The read-only store access of reports and the dashboard. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { ReadOnlyStore, readSeries } from "../../src/report/source.ts";
import { InputError } from "../../src/errors.ts";

test("eachPoint returns exactly what iterScalars does (non-finite values, −0, a step logged twice), page by page", () => {
  const dir = mkdtempSync(join(tmpdir(), "shocklens-source-"));
  const path = join(dir, "s.db");
  const w = SqliteRunStore.open(path);
  const run = w.createRun({ name: "r" });
  const special = [NaN, Infinity, -Infinity, -0, 1e-300];
  w.transaction(() => {
    for (let s = 0; s < 70_000; s++)
      w.logScalars(run.id, s, { a: s % 1000 === 0 ? special[(s / 1000) % 5] : Math.cos(s) });
    w.logScalars(run.id, 65_535, { a: 42 }); // twice at the page boundary's step
  });
  const r = ReadOnlyStore.open(path);
  const want = [...r.iterScalars(run.id, "a")];
  const got: [number, number][] = [];
  r.eachPoint(run.id, "a", -Infinity, (s, v) => got.push([s, v]));
  assert.equal(got.length, want.length);
  want.forEach((p, i) => {
    assert.equal(got[i][0], p.step);
    assert.ok(Object.is(got[i][1], p.value), `point ${i}: ${got[i][1]} vs ${p.value}`);
  });
  const tail: number[] = [];
  r.eachPoint(run.id, "a", 69_990, (s) => tail.push(s));
  assert.deepEqual(tail, [69_991, 69_992, 69_993, 69_994, 69_995, 69_996, 69_997, 69_998, 69_999]);
  assert.equal(readSeries(r, run.id).get("a")!.x.length, want.length);
  r.close();
  w.close();
});

test("ReadOnlyStore.open: a missing file or another program's file is an InputError, and nothing is created", () => {
  const dir = mkdtempSync(join(tmpdir(), "shocklens-source-"));
  assert.throws(() => ReadOnlyStore.open(join(dir, "none.db")), InputError);
  assert.equal(existsSync(join(dir, "none.db")), false);
  writeFileSync(join(dir, "text.db"), "not a database at all, just text");
  assert.throws(() => ReadOnlyStore.open(join(dir, "text.db")), InputError);
  assert.throws(() => ReadOnlyStore.open(dir), InputError);
});
