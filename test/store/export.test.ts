import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../src/errors.ts";
import { readTfEvents } from "../../src/io/tfevents.ts";
import { exportRun } from "../../src/store/export.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { scratchDir } from "./helpers.ts";

const dir = scratchDir();

/** A small run with every kind of value, logged at exact wall times. */
function sampleStore(): { store: SqliteRunStore; id: string } {
  let t = 1_700_000_000;
  const store = SqliteRunStore.open(join(dir, "sample.db"), { now: () => t++ });
  const id = store.createRun({ name: "sample", config: { lr: 0.5 }, seed: 1 }).id;
  store.logScalars(id, 0, { loss: 1.25, "odd,key": -0 }, 100.5);
  store.logScalars(id, 1, { loss: NaN, acc: Infinity }, 101.25);
  store.logScalars(id, 2, { loss: -Infinity, acc: 0.1 }, 102);
  store.logEvent(id, { step: 1, kind: "divergence", payload: { loss: NaN }, wallTime: 101.5 });
  return { store, id };
}

const { store, id } = sampleStore();
after(() => store.close());

test("csv export: header, every point in step order, nan/inf/-inf, quoted keys", () => {
  const out = join(dir, "out", "run.csv");
  const r = exportRun(store, id.slice(0, 6), "csv", out);
  assert.deepEqual(r, { run: id, format: "csv", path: out, scalars: 6, events: 0 });
  assert.equal(
    readFileSync(out, "utf8"),
    [
      "run,key,step,wall_time,value",
      `${id},loss,0,100.5,1.25`,
      `${id},"odd,key",0,100.5,-0`,
      `${id},acc,1,101.25,inf`,
      `${id},loss,1,101.25,nan`,
      `${id},acc,2,102,0.1`,
      `${id},loss,2,102,-inf`,
      "",
    ].join("\n"),
  );
  assert.deepEqual(readdirSync(join(dir, "out")), ["run.csv"], "no temporary file left behind");
});

test("jsonl export: run record, scalars with non-finite values as strings, then events", () => {
  const out = join(dir, "run.jsonl");
  const r = exportRun(store, id, "jsonl", out);
  assert.equal(r.scalars, 6);
  assert.equal(r.events, 1);
  const lines = readFileSync(out, "utf8").split("\n");
  assert.equal(lines.pop(), "");
  const head = JSON.parse(lines[0]);
  assert.equal(head.type, "run");
  assert.equal(head.id, id);
  assert.deepEqual(head.config, { lr: 0.5 });
  assert.deepEqual(lines.slice(1), [
    `{"type":"scalar","run":"${id}","key":"loss","step":0,"wall_time":100.5,"value":1.25}`,
    `{"type":"scalar","run":"${id}","key":"odd,key","step":0,"wall_time":100.5,"value":-0}`,
    `{"type":"scalar","run":"${id}","key":"acc","step":1,"wall_time":101.25,"value":"Infinity"}`,
    `{"type":"scalar","run":"${id}","key":"loss","step":1,"wall_time":101.25,"value":"NaN"}`,
    `{"type":"scalar","run":"${id}","key":"acc","step":2,"wall_time":102,"value":0.1}`,
    `{"type":"scalar","run":"${id}","key":"loss","step":2,"wall_time":102,"value":"-Infinity"}`,
    `{"type":"event","run":"${id}","step":1,"wall_time":101.5,"kind":"divergence","payload":{"loss":"NaN"}}`,
  ]);
  assert.ok(Object.is(JSON.parse(lines[2]).value, -0));
});

test("tfevents export: a TensorBoard event file in the directory, readable back (float32 values)", () => {
  const out = join(dir, "tb", "run");
  const r = exportRun(store, id, "tfevents", out, { wallTime: 1_700_000_123.7, hostname: "testhost" });
  assert.equal(r.path, join(out, "events.out.tfevents.1700000123.testhost"));
  assert.equal(r.scalars, 6);
  const back = readTfEvents(r.path);
  assert.deepEqual(
    back.map((p) => [p.step, p.tag, p.wallTime]),
    store.scalars(id).map((p) => [p.step, p.key, p.wallTime]),
  );
  assert.deepEqual(
    back.map((p) => p.value),
    [1.25, -0, Infinity, NaN, Math.fround(0.1), -Infinity],
  );
});

test("tfevents export into a folder that already holds an event file: refused, or replaced with --force (one file)", () => {
  const out = join(dir, "tb", "twice");
  exportRun(store, id, "tfevents", out, { wallTime: 1_700_000_000, hostname: "h" });
  assert.throws(
    () => exportRun(store, id, "tfevents", out, { wallTime: 1_700_000_050, hostname: "h" }),
    (e: unknown) =>
      e instanceof InputError &&
      /already holds TensorBoard event file events\.out\.tfevents\.1700000000\.h; TensorBoard would show every series twice/.test(
        e.message,
      ),
  );
  const r = exportRun(store, id, "tfevents", out, { wallTime: 1_700_000_050, hostname: "h", force: true });
  assert.deepEqual(readdirSync(out), ["events.out.tfevents.1700000050.h"]);
  assert.equal(readTfEvents(r.path).length, 6);
});

test("export errors: unknown run, bad format, a directory as a csv target", () => {
  assert.throws(
    () => exportRun(store, "nope", "csv", join(dir, "x.csv")),
    (e: unknown) => e instanceof InputError && e.message === `no run "nope" in store ${store.path}`,
  );
  assert.throws(
    () => exportRun(store, id, "hdf5" as never, join(dir, "x.h5")),
    /expected one of csv, jsonl, tfevents, parquet/,
  );
  const d = join(dir, "a-dir");
  mkdirSync(d);
  assert.throws(() => exportRun(store, id, "csv", d), /is a directory/);
  assert.ok(!existsSync(join(dir, "x.csv")));
});

test(
  "parquet export: every point with exact values (NaN, ±Inf, −0), INT64 steps and the run's metadata; " +
    "read back by an independent reader",
  async () => {
    const { parquetReadObjects, parquetMetadata } = await import("hyparquet");
    const out = join(dir, "out", "run.parquet");
    const r = exportRun(store, id, "parquet", out);
    assert.deepEqual(r, { run: id, format: "parquet", path: out, scalars: 6, events: 0 });
    const bytes = readFileSync(out);
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const rows = await parquetReadObjects({ file });
    const got = rows.map((row) => [row.run, row.key, Number(row.step), row.wall_time, row.value]);
    assert.deepEqual(got, [
      [id, "loss", 0, 100.5, 1.25],
      [id, "odd,key", 0, 100.5, -0],
      [id, "acc", 1, 101.25, Infinity],
      [id, "loss", 1, 101.25, NaN],
      [id, "acc", 2, 102, 0.1],
      [id, "loss", 2, 102, -Infinity],
    ]);
    assert.ok(Object.is(got[1][4], -0), "the sign of zero survives");
    assert.equal(typeof rows[0].step, "bigint", "steps are INT64");
    const meta = parquetMetadata(file);
    const kv = new Map((meta.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    assert.deepEqual(JSON.parse(kv.get("shocklens.run") as string).config, { lr: 0.5 });
  },
);
