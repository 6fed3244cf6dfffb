import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { InputError } from "../../src/errors.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { sha256Hex } from "../../src/store/codec.ts";
import { scratchDir } from "./helpers.ts";

const dir = scratchDir();
let n = 0;
/** A fresh store file with a clock that ticks 1 s per call, so times are exact. */
function freshStore(): SqliteRunStore {
  let t = 1_700_000_000;
  return SqliteRunStore.open(join(dir, `s${n++}.db`), { now: () => t++ });
}

test("scalars round-trip exactly, including NaN, ±Inf, −0 and subnormals", () => {
  const s = freshStore();
  const run = s.createRun({ name: "r" });
  const specials = [
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    5e-324,
    -5e-324,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    0.1,
    3,
    -7,
    2 ** 53 + 2,
  ];
  specials.forEach((v, step) => s.logScalars(run.id, step, { v }));
  const back = s.scalars(run.id, "v");
  assert.equal(back.length, specials.length);
  back.forEach((p, i) => assert.ok(Object.is(p.value, specials[i]), `step ${i}: ${p.value} vs ${specials[i]}`));
  fc.assert(
    fc.property(fc.double(), (v) => {
      s.logScalars(run.id, 1000, { prop: v });
      const last = s.getRun(run.id).lastScalars.prop.value;
      return Object.is(last, v);
    }),
    { numRuns: 300 },
  );
  s.close();
});

test("100k scalars are written and read back in order, none lost", () => {
  const s = freshStore();
  const run = s.createRun({ name: "big" });
  const steps = 25_000;
  s.transaction(() => {
    for (let step = 0; step < steps; step++)
      s.logScalars(run.id, step, { a: step, b: -step, c: step / 7, d: Math.sin(step) }, 1e9 + step);
  });
  const all = s.scalars(run.id);
  assert.equal(all.length, 4 * steps);
  assert.equal(s.getRun(run.id).scalarCount, 4 * steps);
  const keys = ["a", "b", "c", "d"];
  all.forEach((p, i) => {
    const step = Math.floor(i / 4);
    assert.equal(p.step, step);
    assert.equal(p.key, keys[i % 4]);
    assert.equal(p.wallTime, 1e9 + step);
  });
  const d = s.scalars(run.id, "d");
  assert.equal(d.length, steps);
  d.forEach((p, step) => assert.equal(p.value, Math.sin(step)));
  assert.deepEqual(s.scalarKeys(run.id), keys);
  assert.equal(s.scalars(run.id, "a", { sinceStep: steps - 11 }).length, 10);
  s.close();
});

test("a run records config, canonical hash, flattened params, tags and seed", () => {
  const s = freshStore();
  const run = s.createRun({
    name: "mlp",
    experiment: "grok",
    config: { optim: { lr: 0.1, beta: [0.9, 0.99] }, arch: "mlp" },
    seed: 42,
    tags: { git: "abc" },
  });
  const same = s.createRun({
    name: "mlp2",
    experiment: "grok",
    config: { arch: "mlp", optim: { beta: [0.9, 0.99], lr: 0.1 } },
  });
  assert.equal(run.configHash, same.configHash);
  assert.equal(run.configHash, sha256Hex('{"arch":"mlp","optim":{"beta":[0.9,0.99],"lr":0.1}}'));
  const d = s.getRun(run.id);
  assert.deepEqual(d.config, { arch: "mlp", optim: { beta: [0.9, 0.99], lr: 0.1 } });
  assert.deepEqual(d.params, { arch: "mlp", "optim.beta": [0.9, 0.99], "optim.lr": 0.1 });
  assert.deepEqual(d.tags, { git: "abc" });
  assert.equal(d.seed, 42);
  assert.equal(d.experiment, "grok");
  s.setTag(run.id, "git", "def");
  assert.deepEqual(s.getRun(run.id).tags, { git: "def" });
  assert.throws(() => s.createRun({ name: "bad", config: { lr: NaN } }), InputError);
  assert.throws(() => s.createRun({ name: "" }), InputError);
  s.close();
});

test("status transitions: allowed ones set times, others are refused", () => {
  const s = freshStore();
  const run = s.createRun({ name: "r", status: "SCHEDULED" });
  assert.equal(run.status, "SCHEDULED");
  assert.equal(run.startTime, null);
  assert.throws(() => s.setStatus(run.id, "FINISHED"), /SCHEDULED; it cannot become FINISHED/);
  s.setStatus(run.id, "RUNNING");
  const running = s.getRun(run.id);
  assert.equal(running.status, "RUNNING");
  assert.ok(running.startTime !== null && running.endTime === null);
  s.heartbeat(run.id);
  assert.ok((s.getRun(run.id).heartbeat ?? 0) > running.startTime!);
  s.setStatus(run.id, "FAILED", { error: "loss diverged at step 12" });
  const failed = s.getRun(run.id);
  assert.equal(failed.status, "FAILED");
  assert.equal(failed.error, "loss diverged at step 12");
  assert.ok(failed.endTime !== null && failed.endTime > failed.startTime!);
  for (const to of ["RUNNING", "FINISHED", "KILLED"] as const) assert.throws(() => s.setStatus(run.id, to), InputError);
  assert.throws(() => s.setStatus(run.id, "DONE" as never), /expected one of/);
  const other = s.createRun({ name: "o" });
  s.setStatus(other.id, "KILLED");
  const killed = s.getRun(other.id);
  assert.equal(killed.status, "KILLED");
  assert.ok(killed.endTime !== null);
  // A killed run (stopped by its user) can be resumed; that clears its end time.
  s.setStatus(other.id, "RUNNING");
  assert.equal(s.getRun(other.id).endTime, null);
  assert.throws(() => s.setStatus(other.id, "SCHEDULED"), InputError);
  s.close();
});

test("runs are addressed by unique prefix; ambiguous and unknown prefixes are errors", () => {
  const s = freshStore();
  const ids = Array.from({ length: 40 }, (_, i) => s.createRun({ name: `r${i}` }).id);
  assert.equal(new Set(ids).size, 40);
  for (const id of ids) assert.match(id, /^[0-9a-f]{12}$/);
  const id = ids[0];
  assert.equal(s.resolveRunId(id), id);
  assert.equal(s.resolveRunId(id.slice(0, 10)), id);
  assert.equal(s.getRun(id.slice(0, 8)).name, "r0");
  // 40 ids over 16 possible first digits: some first digit is shared.
  const first = ids.map((x) => x[0]).find((c, i, all) => all.indexOf(c) !== i)!;
  assert.throws(
    () => s.resolveRunId(first),
    /run id prefix ".*" is ambiguous in store .*: it matches .*; give more characters/,
  );
  assert.throws(
    () => s.getRun("zzz"),
    (e: unknown) => e instanceof InputError && e.message === `no run "zzz" in store ${s.path}`,
  );
  assert.throws(() => s.logScalars("zzz", 0, { a: 1 }), InputError);
  s.close();
});

test("events, artifacts, listing, transactions and deletion", () => {
  const s = freshStore();
  const a = s.createRun({ name: "a", experiment: "e1" });
  const b = s.createRun({ name: "b", experiment: "e2", status: "SCHEDULED" });
  s.logEvent(a.id, { step: 5, kind: "shock", payload: { x: 1.5, speed: -Infinity } });
  s.logEvent(a.id, { step: 2, kind: "info", payload: { msg: "hi" } });
  assert.throws(() => s.logEvent(a.id, { step: 1, kind: "Bad Kind" }), InputError);
  assert.deepEqual(
    s.events(a.id).map((e) => [e.step, e.kind]),
    [
      [2, "info"],
      [5, "shock"],
    ],
  );
  assert.deepEqual(s.events(a.id, { kind: "shock" })[0].payload, { x: 1.5, speed: "-Infinity" });
  assert.deepEqual(s.getRun(a.id).eventCounts, { info: 1, shock: 1 });

  const file = join(dir, "ckpt.bin");
  writeFileSync(file, "weights");
  const art = s.addArtifact(a.id, { name: "ckpt-5", kind: "checkpoint", path: file });
  assert.equal(art.bytes, 7);
  assert.equal(art.sha256, sha256Hex("weights"));
  assert.throws(() => s.addArtifact(a.id, { name: "x", kind: "checkpoint", path: join(dir, "missing") }), InputError);

  // A step's scalars, its checkpoint event and artifact commit together, or not at all.
  assert.throws(
    () =>
      s.transaction(() => {
        s.logScalars(a.id, 6, { loss: 0.5 });
        s.logEvent(a.id, { step: 6, kind: "checkpoint" });
        throw new Error("crash before commit");
      }),
    /crash before commit/,
  );
  assert.equal(s.scalars(a.id).length, 0);
  assert.equal(s.events(a.id, { kind: "checkpoint" }).length, 0);
  s.transaction(() => {
    s.logScalars(a.id, 6, { loss: 0.5 });
    s.logEvent(a.id, { step: 6, kind: "checkpoint" });
  });
  assert.equal(s.scalars(a.id).length, 1);

  assert.deepEqual(
    s.listRuns().map((r) => r.name),
    ["b", "a"],
  );
  assert.deepEqual(
    s.listRuns({ status: "SCHEDULED" }).map((r) => r.name),
    ["b"],
  );
  assert.deepEqual(
    s.listRuns({ experiment: "e1" }).map((r) => r.name),
    ["a"],
  );
  assert.deepEqual(
    s.listRuns({ limit: 1 }).map((r) => r.name),
    ["b"],
  );
  assert.throws(() => s.listRuns({ limit: 0 }), InputError);
  assert.throws(() => s.createExperiment("e1"), /already exists/);
  assert.equal(s.getOrCreateExperiment("e1").name, "e1");

  s.deleteRun(a.id);
  assert.throws(() => s.getRun(a.id), /no run/);
  assert.deepEqual(
    s.listRuns().map((r) => r.id),
    [b.id],
  );
  s.close();
});

test("bad scalar input is refused with an InputError", () => {
  const s = freshStore();
  const run = s.createRun({ name: "r" });
  assert.throws(() => s.logScalars(run.id, 1.5, { a: 1 }), /step: expected an integer/);
  assert.throws(() => s.logScalars(run.id, 1, { a: "x" as never }), /expected a number/);
  assert.throws(() => s.logScalars(run.id, 1, { "": 1 }), InputError);
  assert.throws(() => s.logScalars(run.id, 1, { a: 1 }, NaN), /wallTime/);
  assert.equal(s.scalars(run.id).length, 0);
  s.close();
});
