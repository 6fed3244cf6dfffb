/**
 * Sweeps end to end (docs/sweeps.md §exactly-once, §local, §queue): 20 jobs over 3 processes — a
 * local pool, then `shocklens worker`s through Redis — with one process SIGKILLed mid-job; and a
 * Redis killed (its data gone) and restarted mid-sweep. Every job ends with its result stored
 * exactly once, bit-identical to a local run of the job's config.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import type { JobRecord } from "../../src/store/sweepReader.ts";
import { expandSweep } from "../../src/sweep/expand.ts";
import type { SweepEvent } from "../../src/sweep/local.ts";
import { queueExecutor } from "../../src/sweep/queue.ts";
import { parseSweepSpec, type SweepSpec } from "../../src/sweep/spec.ts";
import { createSweep, executeSweep, type Executor } from "../../src/sweep/sweep.ts";
import { parseRunConfig } from "../../src/train/config.ts";
import { trainRun } from "../../src/train/run.ts";
import { exited, scratch, startCli } from "../train/helpers.ts";
import { resultOf, tinyBase } from "../sweep/helpers.ts";
import { redisMissing, startRedis } from "../sweep/redisServer.ts";

const CHECKPOINT_EVERY = 100;
const base = tinyBase({
  data: { name: "two-moons", n: 32 },
  steps: 1200,
  batchSize: 4,
  logEvery: 20,
  evalEvery: 400,
  checkpointEvery: CHECKPOINT_EVERY,
});
const LRS = [0.02, 0.05, 0.1, 0.2];
const BATCHES = [2, 4, 6, 8, 16];
const spec20 = parseSweepSpec({ name: "e2e", base, grid: { "optimizer.lr": LRS, batchSize: BATCHES } });

/** Local runs of each job's config, computed once per job id and shared by the tests. */
const references = new Map<string, Promise<ReturnType<typeof resultOf>>>();
function reference(id: string, config: unknown) {
  let r = references.get(id);
  if (!r) {
    r = (async () => {
      const store = SqliteRunStore.open(join(scratch("shocklens-ref-"), "ref.db"));
      try {
        return resultOf(store, (await trainRun({ store, config: parseRunConfig(config) })).id);
      } finally {
        store.close();
      }
    })();
    references.set(id, r);
  }
  return r;
}

/** Every job finished, each with its own run, the store holding exactly those runs, each equal to its local run. */
async function assertExactlyOnce(store: SqliteRunStore, sweepId: string, spec: SweepSpec): Promise<JobRecord[]> {
  const jobs = store.sweeps().jobs(sweepId);
  assert.equal(jobs.length, expandSweep(spec).length);
  assert.deepEqual(
    jobs.filter((j) => j.status !== "FINISHED").map((j) => [j.index, j.status, j.error]),
    [],
  );
  const runIds = jobs.map((j) => j.runId as string);
  assert.equal(new Set(runIds).size, jobs.length, "one run per job");
  assert.deepEqual(
    store
      .listRuns()
      .map((r) => r.id)
      .sort(),
    [...runIds].sort(),
    "no other run was stored",
  );
  for (const j of jobs) {
    assert.deepEqual(store.getRun(j.runId as string).tags, { sweep: sweepId, sweep_job: j.id });
    assert.deepEqual(resultOf(store, j.runId as string), await reference(j.id, j.config), `job ${j.index}`);
  }
  return jobs;
}

/**
 * Kills, once, the process running the first job seen in progress past its first checkpoint and not
 * yet half done — or, if 8 jobs finish without one seen there (a fast machine reports little
 * progress), the next job seen in progress at all. Remembers what it killed.
 */
function killerOf(kill: (worker: string) => void) {
  const workers = new Map<string, string>();
  const killed: { job?: string; worker?: string; step?: number } = {};
  let finished = 0;
  const onEvent = (e: SweepEvent) => {
    if (e.kind === "start") workers.set(e.job.id, e.worker);
    if (e.kind === "finished") finished++;
    const from = finished < 8 ? CHECKPOINT_EVERY : 0;
    if (e.kind !== "progress" || killed.job || !(e.step > from && e.step < e.totalSteps / 2)) return;
    const worker = workers.get(e.job.id);
    if (!worker) return;
    Object.assign(killed, { job: e.job.id, worker, step: e.step });
    kill(worker);
  };
  return { onEvent, killed };
}

const pidOf = (worker: string) => Number(worker.split(":").pop());

/** `n` worker processes on the queue, one job at a time each, a 3 s stall timeout. */
function startWorkers(n: number, url: string, dir: string): ChildProcess[] {
  return Array.from({ length: n }, (_, i) =>
    startCli(["worker", "--queue", url, "--concurrency", "1", "--scratch", join(dir, `w${i}`), "--stall-timeout", "3"]),
  );
}

/** The job that lost its process: started there, started again elsewhere, finished once. */
function assertRerun(jobs: JobRecord[], killed: { job?: string; worker?: string; step?: number }): JobRecord {
  assert.ok(killed.job, "a process was killed mid-job");
  const job = jobs.find((j) => j.id === killed.job) as JobRecord;
  const starts = job.history.filter((h) => h.what === "started");
  const history = `job ${job.index}, killed ${JSON.stringify(killed)}: ${JSON.stringify(job.history)}`;
  assert.ok(starts.length >= 2, `started again: ${history}`);
  assert.equal(starts[0].worker, killed.worker, history);
  assert.notEqual(starts.at(-1)?.worker, killed.worker, history);
  assert.equal((starts.at(-1)?.fromStep ?? -1) % CHECKPOINT_EVERY, 0, `a resume starts at a checkpoint: ${history}`);
  assert.equal(job.history.filter((h) => h.what === "finished").length, 1, history);
  return job;
}

/**
 * The 20-job sweep on `executor`, one process killed mid-job: every result stored once and equal to
 * its local run; the job that lost its process ran again elsewhere — from its checkpoint when the
 * kill came after one (the local pool keeps the scratch folder; a worker ships a checkpoint's bundle
 * before it reports progress past it). Returns a line for the test log.
 */
async function sweepThroughAKill(
  store: SqliteRunStore,
  executor: Executor,
  kill: (worker: string) => void,
  backoffMs: number,
): Promise<string> {
  const sweep = createSweep(store, spec20, expandSweep(spec20), executor);
  const { onEvent, killed } = killerOf(kill);
  const s = await executeSweep(store, sweep.id, executor, { onEvent, backoffMs });
  assert.deepEqual([s.status, s.jobs, s.finished, s.failed], ["FINISHED", 20, 20, 0]);
  const jobs = await assertExactlyOnce(store, sweep.id, spec20);
  const starts = assertRerun(jobs, killed).history.filter((h) => h.what === "started");
  const from = starts.at(-1)?.fromStep as number;
  if ((killed.step as number) > CHECKPOINT_EVERY) assert.ok(from > 0, `resumed from step ${from}`);
  return `killed at step ≥ ${killed.step}, started ${starts.length} times, resumed from step ${from}`;
}

test(
  "local pool: 20 jobs on 3 processes, one SIGKILLed mid-job; every result once and equal to a local run",
  { timeout: 300_000 },
  async (t) => {
    const dir = scratch("shocklens-sweep-");
    const store = SqliteRunStore.open(join(dir, "runs.db"));
    try {
      const executor: Executor = { kind: "local", workers: 3 };
      t.diagnostic(await sweepThroughAKill(store, executor, (worker) => process.kill(pidOf(worker), "SIGKILL"), 100));
    } finally {
      store.close();
    }
  },
);

test(
  "queue: 20 jobs on 3 workers through Redis, one worker SIGKILLed mid-job; every result once and equal to a local run",
  { timeout: 300_000 },
  async (t) => {
    const missing = redisMissing();
    if (missing) return t.skip(missing);
    const dir = scratch("shocklens-queue-");
    const redis = await startRedis(dir);
    const workers: ChildProcess[] = [];
    const store = SqliteRunStore.open(join(dir, "runs.db"));
    try {
      workers.push(...startWorkers(3, redis.url, dir));
      const ended = workers.map(exited);
      const kill = (worker: string) => workers.find((w) => w.pid === pidOf(worker))?.kill("SIGKILL");
      t.diagnostic(await sweepThroughAKill(store, queueExecutor(redis.url), kill, 200));
      for (const w of workers) w.kill("SIGTERM");
      const codes = await Promise.all(ended);
      assert.equal(codes.filter((c) => c.signal === "SIGKILL").length, 1, "one worker was killed");
      for (const c of codes.filter((x) => x.signal !== "SIGKILL")) assert.equal(c.code, 0, c.stderr);
    } finally {
      for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
      store.close();
      await redis.kill();
    }
  },
);

test(
  "queue: Redis killed mid-sweep, its data gone, and restarted: no job is lost, none stored twice",
  { timeout: 300_000 },
  async (t) => {
    const missing = redisMissing();
    if (missing) return t.skip(missing);
    const dir = scratch("shocklens-restart-");
    const redis = await startRedis(dir, false);
    const workers: ChildProcess[] = [];
    const store = SqliteRunStore.open(join(dir, "runs.db"));
    // A subset of the 20 jobs: the same configs, so the same local runs to compare with.
    const spec = parseSweepSpec({ name: "e2e", base, grid: { "optimizer.lr": LRS, batchSize: BATCHES.slice(0, 3) } });
    try {
      workers.push(...startWorkers(2, redis.url, dir));
      const ended = workers.map(exited);
      const executor = queueExecutor(redis.url);
      const sweep = createSweep(store, spec, expandSweep(spec), executor);
      let finished = 0;
      let restart: Promise<void> | undefined;
      const onEvent = (e: SweepEvent) => {
        if (e.kind === "finished" && ++finished === 3)
          restart = (async () => {
            await redis.kill();
            await new Promise((r) => setTimeout(r, 1000));
            await redis.start();
          })();
      };
      const s = await executeSweep(store, sweep.id, executor, { onEvent, backoffMs: 200 });
      await restart;
      assert.ok(restart, "Redis was restarted mid-sweep");
      assert.deepEqual([s.status, s.jobs, s.finished, s.failed], ["FINISHED", 12, 12, 0]);
      const jobs = await assertExactlyOnce(store, sweep.id, spec);
      const again = jobs.filter((j) => j.history.filter((h) => h.what === "started").length > 1).length;
      const duplicates = jobs.reduce((n, j) => n + j.history.filter((h) => h.what === "duplicate").length, 0);
      const requeued = jobs.filter((j) => j.history.some((h) => h.what === "requeued")).length;
      t.diagnostic(
        `${requeued} job(s) enqueued again, ${again} computed more than once, ${duplicates} duplicate(s) ignored`,
      );
      assert.ok(requeued > 0, "Redis lost jobs, and they were enqueued again");
      for (const w of workers) w.kill("SIGTERM");
      for (const c of await Promise.all(ended)) assert.equal(c.code, 0, c.stderr);
    } finally {
      for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
      store.close();
      await redis.kill();
    }
  },
);
