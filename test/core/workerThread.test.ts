/**
 * The caller's wait for a worker thread (src/core/workerThread.ts, docs/local-entropy.md §threads):
 * it returns when the job is signalled done, gives up on a worker that shows no sign of life for
 * its patience, and keeps waiting past that patience while the worker bumps its heartbeat.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { awaitJob, newControl } from "../../src/core/workerThread.ts";

/** A plain worker that bumps the heartbeat every `beatMs` for `runMs`, then signals job 1 done. */
function busyWorker(ctrl: Int32Array, runMs: number, beatMs: number): Worker {
  const code = `
    const { workerData: c } = require("node:worker_threads");
    const end = Date.now() + ${runMs};
    const beat = () => {
      if (Date.now() < end) { ${beatMs > 0 ? "Atomics.add(c, 2, 1);" : ""} setTimeout(beat, ${Math.max(beatMs, 5)}); return; }
      Atomics.store(c, 1, 0); Atomics.store(c, 0, 1); Atomics.notify(c, 0);
    };
    beat();`;
  return new Worker(code, { eval: true, workerData: ctrl });
}

test("awaitJob waits while the worker beats, and gives up on a silent one", async () => {
  const beating = newControl();
  const w1 = busyWorker(beating, 1200, 20);
  awaitJob(beating, 1, "beating", 400); // runs 3× longer than the patience, but beats
  assert.equal(Atomics.load(beating, 0), 1);
  await w1.terminate();

  const silent = newControl();
  const w2 = busyWorker(silent, 1200, 0);
  assert.throws(() => awaitJob(silent, 1, "silent", 400), /silent: the second thread did not answer/);
  await w2.terminate();

  const failed = newControl();
  Atomics.store(failed, 1, 1);
  Atomics.store(failed, 0, 1);
  assert.throws(() => awaitJob(failed, 1, "failed", 400), /failed: the second thread failed/);
});
