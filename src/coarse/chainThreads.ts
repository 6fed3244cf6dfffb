/**
 * The sgld chains and the smc replicates on two threads (docs/local-entropy.md §threads): with two
 * or more threads asked for (SHOCKLENS_THREADS=2 or setGemmThreads(2)) and a portable objective, a
 * worker thread (./chainWorker.ts, one per process, started on first use, never keeping the
 * process alive) rebuilds the objective and runs the upper half of the chains (or replicates)
 * while the caller's thread runs the lower half. Chains are independent given their keys
 * (./sgldChains.ts), replicates given their keys and the pilot's schedule (./smcReplicates.ts);
 * both threads run their products at one GEMM thread with the same backend, and the records are
 * combined in chain (replicate) order, so the result is the one-thread result bit for bit.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { gemmBackendName, gemmThreads, setGemmThreads } from "../core/backends/gemm/index.ts";
import { awaitJob, newControl, startWorker } from "../core/workerThread.ts";
import { portableMessage, type PortableMessage } from "./portable.ts";
import { decodeRecord, type ChainJob, type ChainRecord, type ChainRecordMessage } from "./sgldChains.ts";
import { decodeReplicate, type ReplicateJob, type ReplicateMessage, type ReplicateRecord } from "./smcReplicates.ts";
import type { EvaluationCount, LocalEntropyResult, Objective } from "./types.ts";

/** Work for the worker: chains `chains` (index and start) of an sgld run, or replicates of an smc round. */
export type ThreadWork =
  | { kind: "sgld chains"; job: ChainJob; chains: { c: number; start: Float64Array }[] }
  | { kind: "smc replicates"; job: ReplicateJob };

/** One job for the worker: `work` on the objective `objective` describes. */
export interface ThreadRequest {
  seq: number;
  objective: PortableMessage;
  backend: string;
  work: ThreadWork;
}

export type ThreadReply =
  | { records: ChainRecordMessage[] | ReplicateMessage[]; count: EvaluationCount }
  | { failed: string; records?: undefined; count?: undefined };

export interface WorkerSetup {
  ctrl: Int32Array;
  port: MessagePort;
}

/**
 * Threads `units` independent chains (replicates) may use: 2 when asked for and the objective can
 * be rebuilt on a worker, else 1 with the reason (null when one thread was asked for).
 */
export function chainThreads(obj: Objective, units: number): { threads: 1 | 2; why: string | null } {
  if (gemmThreads() < 2) return { threads: 1, why: null };
  if (units < 2) return { threads: 1, why: "one chain" };
  if (obj.portable === undefined)
    return {
      threads: 1,
      why: "the objective is not portable (only modelObjective of a registry model can be rebuilt on a worker thread)",
    };
  return { threads: 2, why: null };
}

/**
 * Runs `estimate` on the threads `chainThreads` allows for `units` chains (replicates): at two,
 * every product of the estimate at one GEMM thread, as on the worker. The result's
 * `details.chainThreads` says which, `details.chainThreadsNote` why one when more were asked for.
 */
export function onChainThreads(
  obj: Objective,
  units: number,
  what: string,
  estimate: (threads: 1 | 2) => LocalEntropyResult,
): LocalEntropyResult {
  const { threads, why } = chainThreads(obj, units);
  const asked = gemmThreads();
  if (threads === 2) setGemmThreads(1);
  try {
    const r = estimate(threads);
    r.details.chainThreads = threads;
    if (why !== null) r.details.chainThreadsNote = `${asked} threads asked for, ${what} on one: ${why}`;
    return r;
  } finally {
    if (threads === 2) setGemmThreads(asked);
  }
}

let second: { worker: Worker; ctrl: Int32Array; port: MessagePort; seq: number } | null = null;

/** Work computing on the worker; `finish` waits for its result, `abandon` stops it. */
export interface Pending<T> {
  finish(): T;
  abandon(): void;
}

/** Hands chains `chains` (index and start) of `job` to the worker thread and returns at once. */
export function startChains(
  obj: Objective,
  job: ChainJob,
  chains: { c: number; start: Float64Array }[],
): Pending<ChainRecord[]> {
  const p = startWork(obj, { kind: "sgld chains", job, chains });
  return {
    finish() {
      const { records, count } = p.finish();
      obj.evaluatedElsewhere?.(count);
      return (records as ChainRecordMessage[]).map(decodeRecord);
    },
    abandon: p.abandon,
  };
}

/**
 * Hands the replicates of `job` to the worker thread and returns at once. Their evaluations are
 * not reported here: the records carry them, for `replayReplicates` to report as the loop would.
 */
export function startReplicates(obj: Objective, job: ReplicateJob): Pending<ReplicateRecord[]> {
  const p = startWork(obj, { kind: "smc replicates", job });
  return { finish: () => (p.finish().records as ReplicateMessage[]).map(decodeReplicate), abandon: p.abandon };
}

function startWork(
  obj: Objective,
  work: ThreadWork,
): Pending<{ records: ChainRecordMessage[] | ReplicateMessage[]; count: EvaluationCount }> {
  if (second === null) {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    const setup: WorkerSetup = { ctrl: newControl(), port: port2 };
    const worker = startWorker(import.meta.url, "chainWorker", setup, [port2]);
    second = { worker, ctrl: setup.ctrl, port: port1, seq: 0 };
  }
  const s = second;
  const request: ThreadRequest = {
    seq: ++s.seq,
    objective: portableMessage(obj.portable!),
    backend: gemmBackendName(),
    work,
  };
  s.port.postMessage(request);
  return {
    finish() {
      try {
        awaitJob(s.ctrl, request.seq, work.kind);
      } catch (e) {
        stop(s);
        throw e;
      }
      const reply = receiveMessageOnPort(s.port)?.message as ThreadReply | undefined;
      if (reply === undefined || reply.records === undefined) {
        stop(s);
        throw new Error(`${work.kind}: the second thread failed: ${reply?.failed ?? "no reply"}`);
      }
      return reply;
    },
    abandon() {
      stop(s);
    },
  };
}

function stop(s: NonNullable<typeof second>): void {
  void s.worker.terminate();
  s.port.close();
  if (second === s) second = null;
}
