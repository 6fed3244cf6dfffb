/**
 * A job's result, end to end inside one process (docs/sweeps.md §results, §exactly-once): computed
 * by runJob in a scratch store, stored by the coordinator's one write, it equals a plain local run
 * of the same config bit for bit — also when the job was interrupted and resumed in its scratch
 * folder, or continued elsewhere from a resume bundle — and a second delivery stores nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import { expandSweep, type JobPlan } from "../../src/sweep/expand.ts";
import { decodeRecord, encodeRecord, type RunRecord } from "../../src/sweep/record.ts";
import { type Bundle, runJob } from "../../src/sweep/runJob.ts";
import { parseSweepSpec } from "../../src/sweep/spec.ts";
import { storeJobResult } from "../../src/sweep/storeResult.ts";
import { parseRunConfig } from "../../src/train/config.ts";
import { trainRun } from "../../src/train/run.ts";
import { scratch } from "../train/helpers.ts";
import { resultOf, tinyBase } from "./helpers.ts";

const spec = parseSweepSpec({ name: "res", base: tinyBase({ steps: 40 }), grid: { "optimizer.lr": [0.05, 0.2] } });
const jobs = expandSweep(spec);

type Coordinator = ReturnType<typeof coordinator>;
function coordinator(dir: string) {
  const store = SqliteRunStore.open(join(dir, "main.db"));
  const sweep = store.sweeps().createSweep({ name: spec.name, spec, executor: "local", jobs });
  return { store, sweep, job: (j: JobPlan) => store.sweeps().job(sweep.id, j.id) };
}

/** Runs `f` with a coordinator's store holding the sweep (in a fresh folder, also given to `f`), closed afterwards. */
async function withCoordinator(f: (c: Coordinator, dir: string) => Promise<void>): Promise<void> {
  const dir = scratch();
  const c = coordinator(dir);
  try {
    await f(c, dir);
  } finally {
    c.store.close();
  }
}

async function reference(job: JobPlan) {
  const store = SqliteRunStore.open(join(scratch(), "ref.db"));
  try {
    const r = await trainRun({ store, config: parseRunConfig(job.config) });
    return resultOf(store, r.id);
  } finally {
    store.close();
  }
}

async function interruptedThenResumed(job: JobPlan, dir: string): Promise<{ record: RunRecord; bundle: Bundle }> {
  const abort = new AbortController();
  let bundle: Bundle | undefined;
  const task = { jobId: job.id, config: job.config, scratch: dir };
  const first = await runJob(task, {
    signal: abort.signal,
    onProgress: () => abort.abort(),
    onBundle: (b) => (bundle = b),
  });
  assert.equal(first.kind, "interrupted");
  assert.ok(bundle, "an interrupted job ships its checkpoint");
  const second = await runJob(task);
  assert.equal(second.kind, "result");
  return { record: (second as { record: RunRecord }).record, bundle };
}

test("a job run by runJob and stored by the coordinator equals a local run of its config, bit for bit", () =>
  withCoordinator(async (c, dir) => {
    const out = await runJob({ jobId: jobs[0].id, config: jobs[0].config, scratch: join(dir, "s0") });
    assert.equal(out.kind, "result");
    const record = decodeRecord(encodeRecord((out as { record: RunRecord }).record));
    const stored = storeJobResult(c.store, c.sweep, c.job(jobs[0]), record, "test");
    assert.equal(stored.duplicate, false);
    assert.deepEqual(resultOf(c.store, stored.runId), await reference(jobs[0]));
    assert.deepEqual(c.store.getRun(stored.runId).tags, { sweep: c.sweep.id, sweep_job: jobs[0].id });
    assert.equal(c.job(jobs[0]).runId, stored.runId);
    assert.equal(c.job(jobs[0]).status, "FINISHED");

    const again = storeJobResult(c.store, c.sweep, c.job(jobs[0]), record, "late worker");
    assert.deepEqual(again, { runId: stored.runId, duplicate: true });
    assert.equal(c.store.listRuns().length, 1, "a second delivery stores nothing");
    assert.deepEqual(
      c.job(jobs[0]).history.map((h) => h.what),
      ["finished", "duplicate"],
    );
  }));

test("interrupted and resumed in its scratch folder, or continued elsewhere from its bundle: the same result", () =>
  withCoordinator(async (c, dir) => {
    const want = await reference(jobs[1]);
    const { record, bundle } = await interruptedThenResumed(jobs[1], join(dir, "here"));
    const stored = storeJobResult(c.store, c.sweep, c.job(jobs[1]), record);
    assert.deepEqual(resultOf(c.store, stored.runId), want);

    // Another machine: an empty scratch folder and the bundle that travelled (as text) through the queue.
    const travelled = decodeRecord(encodeRecord(bundle)) as Bundle;
    const elsewhere = join(dir, "elsewhere");
    const out = await runJob({ jobId: jobs[1].id, config: jobs[1].config, scratch: elsewhere }, {}, travelled);
    assert.equal(out.kind, "result");
    assert.ok(existsSync(join(elsewhere, "job.db")));
    await withCoordinator(async (other) => {
      const s2 = storeJobResult(other.store, other.sweep, other.job(jobs[1]), (out as { record: RunRecord }).record);
      assert.deepEqual(resultOf(other.store, s2.runId), want);
    });
  }));

test("a result computed from another config than the job's is refused", () =>
  withCoordinator(async (c, dir) => {
    const out = await runJob({ jobId: jobs[0].id, config: jobs[0].config, scratch: join(dir, "s") });
    assert.throws(
      () => storeJobResult(c.store, c.sweep, c.job(jobs[1]), (out as { record: RunRecord }).record),
      /computed from another config than the job's/,
    );
    assert.equal(c.store.listRuns().length, 0);
  }));

test("a record survives its text form bit for bit: NaN, ±Infinity, −0, every digit, and file bytes", () => {
  const values = new Float64Array([NaN, Infinity, -Infinity, -0, 0.1 + 0.2, Number.MIN_VALUE, -1e308]);
  const r: RunRecord = {
    config: { a: 1 },
    status: "FAILED",
    error: "diverged",
    step: 6,
    startTime: 1.5,
    endTime: null,
    scalars: {
      keys: ["x", "y"],
      key: new Uint32Array([0, 1, 0, 1, 0, 1, 0]),
      step: new Float64Array([0, 0, 1, 1, 2, 2, 6]),
      wallTime: new Float64Array(7).fill(1.25),
      value: values,
    },
    events: [{ step: 6, wallTime: 2, kind: "divergence", payload: { cause: "the loss is NaN" } }],
    files: [{ name: "w", kind: "weights", bytes: new Uint8Array([0, 255, 7]), sha256: "0".repeat(64) }],
  };
  const back = decodeRecord(encodeRecord(r));
  assert.deepEqual(back, r);
  assert.ok(Object.is(back.scalars.value[3], -0));
  assert.throws(() => decodeRecord("{}"), /not an encoded run record/);
});
