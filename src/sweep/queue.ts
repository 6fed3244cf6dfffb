/**
 * The distributed executor's coordinator (docs/sweeps.md §across-machines): enqueues the sweep's pending jobs
 * in BullMQ (retries with exponential back-off), then consumes what workers send back — results,
 * retries, failures, progress — and is the store's only writer. Results are stored exactly once
 * (storeJobResult is idempotent by job id), so a result that arrives twice is harmless; and a job
 * Redis lost (restarted without persistence, or its result lost with it) is enqueued again, so no
 * job is lost: the store, not Redis, says which jobs still need a result.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { SqliteRunStore } from "../store/sqlite.ts";
import type { JobRecord } from "../store/sweepReader.ts";
import { type ExecuteOptions, message, type SweepEvent } from "./local.ts";
import { decodeRecord, type RunRecord } from "./record.ts";
import {
  bullJobId,
  type JobProgress,
  keys,
  QUEUE_NAME,
  type QueuedJob,
  redisOptions,
  type ResultMessage,
} from "./queueKeys.ts";
import { connectRedis } from "./redis.ts";
import type { Executor } from "./sweep.ts";
import { ResultRefusedError, storeJobResult } from "./storeResult.ts";

/** How often the coordinator looks for results and progress. */
const POLL_MS = 300;
/** How often it checks that Redis still holds every job that needs a result. */
const RECONCILE_MS = 3000;
/** Results taken from the list per poll. */
const BATCH = 50;

export function queueExecutor(url: string): Executor {
  redisOptions(url); // a malformed address is bad input: exit 2 before anything is written
  return { kind: "queue", url, run: (o) => runQueue(url, o) };
}

class Coordinator {
  private readonly table;
  private readonly sweep;
  /** Attempt label last seen per job (to tell a new attempt from progress). */
  private readonly attempts = new Map<string, string>();
  /** Attempts whose training start was recorded. */
  private readonly trained = new Set<string>();
  /** Jobs Redis did not know at the last reconciliation. */
  private readonly missing = new Set<string>();
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(
    private readonly store: SqliteRunStore,
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly o: ExecuteOptions,
  ) {
    this.table = store.sweeps();
    this.sweep = this.table.sweep(o.sweepId);
    this.retries = o.retries ?? 2;
    this.backoffMs = o.backoffMs ?? 1000;
  }

  private emit(e: SweepEvent): void {
    this.o.onEvent?.(e);
  }

  private job(id: string): JobRecord {
    return this.table.job(this.sweep.id, id);
  }

  open(): JobRecord[] {
    return this.table.jobs(this.sweep.id, ["PENDING", "RUNNING"]);
  }

  /** Puts jobs in the queue; a job still there from before is kept, a finished or failed copy replaced. */
  async enqueue(jobs: readonly JobRecord[]): Promise<void> {
    const add = [];
    for (const j of jobs) {
      const id = bullJobId(this.sweep.id, j.id);
      const state = await this.queue.getJobState(id);
      if (state === "completed" || state === "failed") await this.queue.remove(id);
      else if (state !== "unknown") continue;
      const data: QueuedJob = { sweep: this.sweep.id, job: j.id, index: j.index, config: j.config };
      add.push({
        name: "train",
        data,
        opts: {
          jobId: id,
          attempts: this.retries + 1,
          backoff: { type: "exponential", delay: this.backoffMs },
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      });
    }
    if (add.length) await this.queue.addBulk(add);
  }

  /** Stores the results waiting in Redis (each removed from the list only once it is committed). */
  async drainResults(): Promise<void> {
    const key = keys.results(this.sweep.id);
    const items = await this.redis.lrange(key, 0, BATCH - 1);
    for (const text of items) {
      await this.handle(text);
      await this.redis.ltrim(key, 1, -1);
    }
  }

  /**
   * One message. One that cannot be read, names no job of the sweep, or carries a result that is
   * not the job's is dropped (the job, if any, is retried); a failure to write the store is not the
   * message's fault and ends the sweep, the message kept for `--resume`.
   */
  private async handle(text: string): Promise<void> {
    let m: ResultMessage;
    let job: JobRecord;
    try {
      m = JSON.parse(text) as ResultMessage;
      job = this.job(m.job);
    } catch (err) {
      process.emitWarning(`sweep ${this.sweep.id}: dropped a message that names no job of it: ${message(err)}`);
      return;
    }
    if (job.status !== "FINISHED") this.noteStart(m.job, m.worker, m.attempt, m.fromStep, null);
    if (m.kind === "result") {
      const refuse = (err: unknown) => {
        const why = `a bad result from ${m.worker}: ${message(err)}`;
        this.table.retryJob(this.sweep.id, m.job, why, m.worker);
        this.emit({ kind: "retry", job: this.job(m.job), error: why, delayMs: 0 });
      };
      let record: RunRecord;
      try {
        record = decodeRecord(m.record);
      } catch (err) {
        return refuse(err);
      }
      let stored;
      try {
        stored = storeJobResult(this.store, this.sweep, job, record, m.worker);
      } catch (err) {
        if (err instanceof ResultRefusedError) return refuse(err);
        throw err;
      }
      await this.redis.del(keys.bundle(this.sweep.id, m.job));
      this.emit({ kind: "finished", job: this.job(m.job), runId: stored.runId, duplicate: stored.duplicate });
    } else if (job.status !== "FINISHED") {
      if (m.kind === "failed") {
        this.table.failJob(this.sweep.id, m.job, m.error, m.worker);
        this.emit({ kind: "failed", job: this.job(m.job), error: m.error });
      } else {
        this.table.retryJob(this.sweep.id, m.job, m.error, m.worker);
        this.emit({ kind: "retry", job: this.job(m.job), error: m.error, delayMs: m.delayMs });
      }
    }
  }

  /** Progress of running jobs into the store (a new attempt counts as a start). */
  async readProgress(): Promise<void> {
    const all = await this.redis.hgetall(keys.progress(this.sweep.id));
    const known = new Set(this.table.jobs(this.sweep.id).map((j) => j.id));
    for (const [jobId, text] of Object.entries(all)) {
      if (!known.has(jobId)) continue;
      const p = JSON.parse(text) as JobProgress;
      const job = this.job(jobId);
      if (job.status === "FINISHED" || job.status === "FAILED") continue;
      this.noteStart(jobId, p.worker, p.attempt, p.fromStep, p.totalSteps);
      if (p.step === null || p.totalSteps === null) continue;
      this.table.progress(this.sweep.id, jobId, p.step, p.totalSteps, p.worker);
      this.emit({ kind: "progress", job: this.job(jobId), step: p.step, totalSteps: p.totalSteps });
    }
  }

  /**
   * Counts the attempt `worker`#`attempt` of a job the first time it is heard of — by its progress or
   * by its outcome, whichever comes first — and, once known, the step its training started from.
   */
  private noteStart(
    jobId: string,
    worker: string,
    attempt: string,
    fromStep: number | null,
    total: number | null,
  ): void {
    const label = `${worker}#${attempt}`;
    if (this.attempts.get(jobId) !== label) {
      this.attempts.set(jobId, label);
      this.table.beginAttempt(this.sweep.id, jobId, worker);
    }
    if (fromStep === null || this.trained.has(label)) return;
    this.trained.add(label);
    const totalSteps = total ?? this.table.job(this.sweep.id, jobId).totalSteps ?? fromStep;
    this.table.startJob(this.sweep.id, jobId, fromStep, totalSteps);
    this.emit({ kind: "start", job: this.job(jobId), fromStep, totalSteps, worker });
  }

  /**
   * Every open job must be in the queue. One that exhausted its attempts without a word (it stalled
   * too often) fails; one Redis no longer knows on two checks in a row is enqueued again.
   */
  async reconcile(): Promise<void> {
    const requeue: JobRecord[] = [];
    for (const j of this.open()) {
      const id = bullJobId(this.sweep.id, j.id);
      const state = await this.queue.getJobState(id);
      if (state === "failed") {
        const failed = await this.queue.getJob(id);
        const why = failed?.failedReason || "failed in the queue";
        this.table.failJob(this.sweep.id, j.id, why);
        this.emit({ kind: "failed", job: this.job(j.id), error: why });
        continue;
      }
      if (state !== "unknown" && state !== "completed") {
        this.missing.delete(j.id);
        continue;
      }
      if (this.missing.has(j.id)) {
        this.missing.delete(j.id);
        requeue.push(j);
      } else this.missing.add(j.id);
    }
    for (const j of requeue) this.table.noteRequeued(this.sweep.id, j.id);
    if (requeue.length) await this.enqueue(requeue);
  }

  /** Takes the sweep's jobs that have not started out of the queue (the budget is spent). */
  async withdrawWaiting(): Promise<void> {
    for (const j of this.open()) {
      const id = bullJobId(this.sweep.id, j.id);
      const state = await this.queue.getJobState(id);
      if (state === "waiting" || state === "delayed" || state === "prioritized") {
        await this.queue.remove(id);
        this.table.retryJob(this.sweep.id, j.id, "budget.seconds spent before it started");
      }
    }
  }
}

export async function runQueue(url: string, o: ExecuteOptions): Promise<void> {
  const redis = await connectRedis(url);
  const queue = new Queue(QUEUE_NAME, { connection: redisOptions(url) });
  queue.on("error", () => {}); // reconnects are automatic; the loop below waits them out
  try {
    const c = new Coordinator(o.store, redis, queue, o);
    await c.enqueue(c.open());
    let lastReconcile = Date.now();
    let withdrawn = false;
    while (!o.signal?.aborted) {
      await c.drainResults();
      await c.readProgress();
      if (o.deadline !== undefined && Date.now() >= o.deadline && !withdrawn) {
        await c.withdrawWaiting();
        withdrawn = true;
      }
      const open = c.open();
      if (open.length === 0 || (withdrawn && open.every((j) => j.status === "PENDING"))) break;
      if (!withdrawn && Date.now() - lastReconcile >= RECONCILE_MS) {
        await c.reconcile();
        lastReconcile = Date.now();
      }
      await sleep(POLL_MS, undefined, { signal: o.signal }).catch(() => {});
    }
    if (c.open().length === 0) await redis.del(keys.progress(o.sweepId));
  } catch (err) {
    throw new Error(`sweep ${o.sweepId} on ${url}: ${message(err)}`, { cause: err });
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}
