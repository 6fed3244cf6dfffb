/**
 * A sweep's progress on stderr (docs/cli.md §sweep): on a terminal the commands' bar over jobs,
 * cleared at the end; elsewhere one line per job that ends, is retried or fails; nothing when quiet.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JobRecord } from "../../src/store/sweepReader.ts";
import { sweepProgress } from "../../src/sweep/progress.ts";

const job = (index: number) => ({ id: `j${index}`, index }) as JobRecord;

function fakeStream(isTTY: boolean) {
  const out: string[] = [];
  return { out, stream: { isTTY, columns: 200, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

test("on a terminal: a bar over jobs with running and failed counts, cleared at the end", () => {
  const { out, stream } = fakeStream(true);
  const p = sweepProgress({ sweepId: "abc", total: 4, done: 1, failed: 0, stream });
  assert.match(out[0], /^\rsweep: abc █{5}░{15} 1\/4 jobs \| 0 running, 0 failed/);
  p.onEvent({ kind: "start", job: job(1), fromStep: 0, totalSteps: 10, worker: "w" });
  p.stop();
  assert.equal(out.at(-1), "\r\x1b[K", "the bar is cleared");
});

test("off a terminal: one line per job that ends, is retried or fails; quiet prints nothing", () => {
  const { out, stream } = fakeStream(false);
  const p = sweepProgress({ sweepId: "abc", total: 3, done: 0, failed: 0, stream });
  p.onEvent({ kind: "finished", job: job(0), runId: "r0", duplicate: false });
  p.onEvent({ kind: "retry", job: job(1), delayMs: 1500, error: "boom" });
  p.onEvent({ kind: "failed", job: job(1), error: "boom" });
  p.stop();
  assert.deepEqual(out, [
    "sweep abc: job 0 finished: run r0 (1/3 ended, 0 failed)\n",
    "sweep abc: job 1 will be retried in 1.5 s: boom\n",
    "sweep abc: job 1 failed: boom (2/3 ended, 1 failed)\n",
  ]);
  const quiet = fakeStream(true);
  sweepProgress({ sweepId: "abc", total: 3, done: 0, failed: 0, stream: quiet.stream, quiet: true }).stop();
  assert.deepEqual(quiet.out, []);
});
