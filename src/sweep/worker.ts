/**
 * A worker of the distributed executor (docs/sweeps.md §workers): takes jobs of any sweep from the
 * BullMQ queue, computes each in a child process (a pool of `concurrency` children) in a scratch
 * folder of its own, and sends back through Redis what the coordinator stores — it never touches
 * a run store but its scratch ones. While a job trains, its progress and, after each checkpoint, a
 * resume bundle go to Redis; when a worker dies mid-job, BullMQ notices that the job's lock was not
 * renewed (the stall timeout), puts the job back, and the next worker continues from the bundle —
 * or from scratch with the same seed if no checkpoint was written yet: the result is the same.
 *
 * A failed attempt is retried by BullMQ with exponential back-off; bad input fails the job at once.
 * Stopping a worker (SIGINT/SIGTERM) checkpoints its jobs, ships their bundles and hands them back.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { InputError } from "../errors.ts";
import { processGone } from "../io/files.ts";
import { message } from "./local.ts";
import { ProcessPool } from "./pool.ts";
import { decodeRecord, encodeRecord } from "./record.ts";
import { type JobProgress, keys, QUEUE_NAME, type QueuedJob, redisOptions, type ResultMessage } from "./queueKeys.ts";
import { connectRedis } from "./redis.ts";
import type { Bundle } from "./runJob.ts";

export interface WorkerOptions {
  url: string;
  /** Jobs computed at once (child processes). */
  concurrency: number;
  /** Where the jobs' scratch folders go. */
  scratch: string;
  /** Seconds a job's lock lives without renewal before other workers take the job over (BullMQ's lockDuration). */
  stallSeconds?: number;
  signal?: AbortSignal;
  log?(line: string): void;
}

/** How many times a job may lose its worker before it fails. */
const MAX_STALLS = 3;

/**
 * This worker's scratch root, `<scratch>/worker-<pid>`: two workers on one machine never share a job's
 * folder. Roots of workers that no longer run are removed (their jobs continue from Redis).
 */
function scratchRoot(scratch: string): string {
  mkdirSync(scratch, { recursive: true });
  for (const name of readdirSync(scratch)) {
    const m = /^worker-(\d+)$/.exec(name);
    if (m && processGone(Number(m[1]))) rmSync(join(scratch, name), { recursive: true, force: true });
  }
  return join(scratch, `worker-${process.pid}`);
}

export async function runWorker(o: WorkerOptions): Promise<void> {
  const root = scratchRoot(o.scratch);
  const redis = await connectRedis(o.url);
  const pool = new ProcessPool(o.concurrency);
  const name = `${hostname()}:${process.pid}`;
  const log = o.log ?? (() => {});
  let stopping = false;
  const send = (sweep: string, m: ResultMessage) => redis.rpush(keys.results(sweep), JSON.stringify(m));

  const processor = async (job: Job<QueuedJob>, token?: string): Promise<{ worker: string }> => {
    const { sweep, job: jobId, config } = job.data;
    const scratch = join(root, sweep, jobId);
    const attempt = String(job.attemptsStarted);
    const bundleText = await redis.get(keys.bundle(sweep, jobId));
    // A bundle is at least as new as a scratch folder this worker kept (it shipped what it had).
    if (bundleText !== null) rmSync(scratch, { recursive: true, force: true });
    const bundle = bundleText === null ? null : (decodeRecord(bundleText) as Bundle);
    let fromStep: number | null = null;
    const progress = (step: number | null, totalSteps: number | null) => {
      const p: JobProgress = { worker: name, attempt, fromStep, step, totalSteps };
      void redis.hset(keys.progress(sweep), jobId, JSON.stringify(p));
      if (step !== null) void job.updateProgress({ step, totalSteps }).catch(() => {});
    };
    progress(null, null); // the attempt begins, whether or not it gets to train
    log(
      `job ${jobId} of sweep ${sweep} (index ${job.data.index}), attempt ${attempt}` +
        (bundle ? `, from the bundle at step ${bundle.checkpointStep}` : ""),
    );
    let out;
    try {
      out = await pool.run({
        task: { jobId, config, scratch },
        skip: () => stopping,
        bundle,
        wantBundles: true,
        onStart: (step, total) => {
          fromStep = step;
          progress(step, total);
        },
        onProgress: progress,
        onBundle: (b) => void redis.set(keys.bundle(sweep, jobId), encodeRecord(b)),
      });
    } catch (err) {
      const error = message(err);
      const last = err instanceof InputError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!stopping) {
        const delayMs = (job.opts.backoff as { delay?: number } | undefined)?.delay ?? 0;
        await send(
          sweep,
          last
            ? { kind: "failed", job: jobId, worker: name, attempt, fromStep, error }
            : {
                kind: "retry",
                job: jobId,
                worker: name,
                attempt,
                fromStep,
                error,
                delayMs: delayMs * 2 ** job.attemptsMade,
              },
        );
      }
      log(`job ${jobId}: ${error}`);
      throw err instanceof InputError ? new UnrecoverableError(error) : err;
    }
    if (out === null || out.kind === "interrupted") {
      // Stopping: the child checkpointed and its bundle went out; hand the job back without spending an attempt.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    await send(sweep, {
      kind: "result",
      job: jobId,
      worker: name,
      attempt,
      fromStep,
      record: encodeRecord(out.record),
    });
    rmSync(scratch, { recursive: true, force: true });
    log(`job ${jobId} of sweep ${sweep}: done`);
    return { worker: name };
  };

  const lockDuration = (o.stallSeconds ?? 30) * 1000;
  const worker = new Worker<QueuedJob>(QUEUE_NAME, processor, {
    connection: redisOptions(o.url),
    concurrency: o.concurrency,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: MAX_STALLS,
  });
  worker.on("error", (err) => log(`queue: ${message(err)}`));
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      stopping = true;
      resolve();
    };
    if (o.signal?.aborted) stop();
    o.signal?.addEventListener("abort", stop, { once: true });
  });
  log(`worker ${name}: ${o.concurrency} process(es), queue ${o.url}, scratch ${o.scratch}`);
  try {
    await stopped;
    // Take no new job; the running ones checkpoint, ship their bundles and go back to the queue.
    const closed = worker.close();
    pool.stop();
    await closed;
  } finally {
    await pool.close();
    redis.disconnect();
    rmSync(root, { recursive: true, force: true });
  }
}
