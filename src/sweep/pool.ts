/**
 * A pool of child processes that compute jobs (docs/sweeps.md §local-pool): one job per child at a
 * time, children started on demand and reused, a child that dies replaced by a fresh one. Each
 * child is single-threaded (OPENBLAS_NUM_THREADS=1 unless set), so a pool as large as the machine's
 * cores keeps them all busy without oversubscribing them. A child's stdout goes to the parent's
 * stderr: the parent's stdout stays free for `--json`.
 */
import { type ChildProcess, fork } from "node:child_process";
import { InputError } from "../errors.ts";
import type { FromChild, ToChild } from "./protocol.ts";
import type { RunRecord } from "./record.ts";
import type { Bundle, JobOutcome, JobTask } from "./runJob.ts";

export interface PoolJob {
  task: JobTask;
  bundle?: Bundle | null;
  /** Report resume bundles (for jobs whose checkpoints must reach other machines). */
  wantBundles?: boolean;
  /** Checked when a child is free for the job: true skips it (the run resolves null). */
  skip?(): boolean;
  /** A child (its process id) takes the job: the attempt begins. */
  onDispatch?(pid: number): void;
  onStart?(fromStep: number, totalSteps: number, pid: number): void;
  onProgress?(step: number, totalSteps: number): void;
  onBundle?(bundle: Bundle): void;
}

/** The child computing a job exited before reporting (killed, crashed, out of memory). */
export class ChildLostError extends Error {
  override name = "ChildLostError";
}

/** The job failed in its child (a runtime error there, reported with its message). */
export class JobError extends Error {
  override name = "JobError";
}

/** An error the job's attempt produced (in its child), as opposed to one of this process. */
export const isJobError = (err: unknown): boolean => err instanceof JobError || err instanceof InputError;

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy: boolean;
  exited: boolean;
}

/** The module a child runs, and how to start Node for it (through tsx when running from the TypeScript sources). */
function childEntry(): { path: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  const path = new URL(fromSource ? "./child.ts" : "./child.js", import.meta.url);
  return { path, execArgv: fromSource ? ["--import", import.meta.resolve("tsx")] : [] };
}

export class ProcessPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new InputError(`pool size: expected a positive integer, got ${size}`);
  }

  /** Process ids of the children now computing a job. */
  busyPids(): number[] {
    return this.slots.filter((s) => s.busy && !s.exited).map((s) => s.child.pid as number);
  }

  private spawn(): Slot {
    const { path, execArgv } = childEntry();
    const child = fork(path, [], {
      execArgv,
      serialization: "advanced",
      stdio: ["ignore", 2, 2, "ipc"],
      env: { OPENBLAS_NUM_THREADS: "1", ...process.env },
    });
    const slot: Slot = { child, busy: false, exited: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromChild) => {
        if (m.type !== "ready") return;
        child.off("message", onMessage);
        resolve();
      };
      child.on("message", onMessage);
      child.once("exit", (code, signal) =>
        reject(new ChildLostError(`a pool process exited at start (${signal ?? code})`)),
      );
      child.once("error", reject);
    });
    slot.ready.catch(() => {});
    child.once("exit", () => {
      slot.exited = true;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      this.wake();
    });
    this.slots.push(slot);
    return slot;
  }

  private wake(): void {
    this.waiting.shift()?.();
  }

  /** A free slot, starting a child if the pool is not full, else waiting for one. */
  private async acquire(): Promise<Slot> {
    for (;;) {
      if (this.closed) throw new Error("the pool is closed");
      const idle = this.slots.find((s) => !s.busy && !s.exited);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.slots.length < this.size) {
        const s = this.spawn();
        s.busy = true;
        return s;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /**
   * Computes one job in a child: its result, or `interrupted` after `stop()`, or null when `skip`
   * said so once a child was free; rejects with ChildLostError, InputError or Error.
   */
  async run(job: PoolJob): Promise<JobOutcome | null> {
    const slot = await this.acquire();
    try {
      if (job.skip?.()) return null;
      await slot.ready;
      job.onDispatch?.(slot.child.pid as number);
      return await this.dispatch(slot, job);
    } finally {
      slot.busy = false;
      this.wake();
    }
  }

  private dispatch(slot: Slot, job: PoolJob): Promise<JobOutcome> {
    const { child } = slot;
    const { jobId } = job.task;
    return new Promise<JobOutcome>((resolve, reject) => {
      const done = () => {
        child.off("message", onMessage);
        child.off("exit", onExit);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(
          new ChildLostError(
            `pool process ${child.pid} exited (${signal ?? `code ${code}`}) while computing job ${jobId}`,
          ),
        );
      };
      const onMessage = (m: FromChild) => {
        if (m.type === "ready" || m.jobId !== jobId) return;
        if (m.type === "start") job.onStart?.(m.fromStep, m.totalSteps, child.pid as number);
        else if (m.type === "progress") job.onProgress?.(m.step, m.totalSteps);
        else if (m.type === "bundle") job.onBundle?.(m.bundle);
        else {
          done();
          if (m.type === "result") resolve({ kind: "result", record: m.record as RunRecord });
          else if (m.type === "interrupted") resolve({ kind: "interrupted", step: m.step });
          else reject(m.input ? new InputError(m.message) : new JobError(m.message));
        }
      };
      child.on("message", onMessage);
      child.on("exit", onExit);
      const msg: ToChild = {
        type: "run",
        task: job.task,
        bundle: job.bundle ?? null,
        wantBundles: job.wantBundles ?? false,
      };
      child.send(msg);
    });
  }

  /** Asks every busy child to checkpoint and report `interrupted`. */
  stop(): void {
    for (const s of this.slots)
      if (s.busy && !s.exited && s.child.connected) s.child.send({ type: "stop" } satisfies ToChild);
  }

  /** Ends the children (closing IPC makes an idle child exit) and waits for them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            s.child.once("exit", () => resolve());
            if (s.child.connected) s.child.disconnect();
            else s.child.kill();
          }),
      ),
    );
  }
}
