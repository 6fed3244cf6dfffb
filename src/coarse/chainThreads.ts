/**
 * The sgld chains on two threads (docs/local-entropy.md §threads): with two or more threads asked
 * for (SHOCKLENS_THREADS=2 or setGemmThreads(2)) and a portable objective, a worker thread
 * (./chainWorker.ts, one per process, started on first use, never keeping the process alive)
 * rebuilds the objective and runs the upper half of the chains while the caller's thread runs the
 * lower half. Chains are independent given their keys (./sgldChains.ts), both threads run their
 * products at one GEMM thread with the same backend, and the records are combined in chain order,
 * so the result is the one-thread result bit for bit.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { gemmBackendName, gemmThreads } from "../core/backends/gemm/index.ts";
import { awaitJob, newControl, startWorker } from "../core/workerThread.ts";
import { portableMessage, type PortableMessage } from "./portable.ts";
import { decodeRecord, type ChainJob, type ChainRecord, type ChainRecordMessage } from "./sgldChains.ts";
import type { EvaluationCount, Objective } from "./types.ts";

/** One job for the worker: chains `chains` of `job` on the objective `objective` describes. */
export interface ChainsRequest {
  seq: number;
  objective: PortableMessage;
  backend: string;
  job: ChainJob;
  chains: { c: number; start: Float64Array }[];
}

export type ChainsReply =
  | { records: ChainRecordMessage[]; count: EvaluationCount }
  | { failed: string; records?: undefined; count?: undefined };

export interface WorkerSetup {
  ctrl: Int32Array;
  port: MessagePort;
}

/**
 * Threads the chains may use: 2 when asked for and the objective can be rebuilt on a worker,
 * else 1 with the reason (null when one thread was asked for).
 */
export function chainThreads(obj: Objective, chains: number): { threads: 1 | 2; why: string | null } {
  if (gemmThreads() < 2) return { threads: 1, why: null };
  if (chains < 2) return { threads: 1, why: "one chain" };
  if (obj.portable === undefined)
    return {
      threads: 1,
      why: "the objective is not portable (only modelObjective of a registry model can be rebuilt on a worker thread)",
    };
  return { threads: 2, why: null };
}

let second: { worker: Worker; ctrl: Int32Array; port: MessagePort; seq: number } | null = null;

/** Chains computing on the worker; `finish` waits for their records, `abandon` stops them. */
export interface PendingChains {
  finish(): ChainRecord[];
  abandon(): void;
}

/** Hands chains `chains` (index and start) of `job` to the worker thread and returns at once. */
export function startChains(
  obj: Objective,
  job: ChainJob,
  chains: { c: number; start: Float64Array }[],
): PendingChains {
  if (second === null) {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    const setup: WorkerSetup = { ctrl: newControl(), port: port2 };
    const worker = startWorker(import.meta.url, "chainWorker", setup, [port2]);
    second = { worker, ctrl: setup.ctrl, port: port1, seq: 0 };
  }
  const s = second;
  const request: ChainsRequest = {
    seq: ++s.seq,
    objective: portableMessage(obj.portable!),
    backend: gemmBackendName(),
    job,
    chains,
  };
  s.port.postMessage(request);
  return {
    finish() {
      try {
        awaitJob(s.ctrl, request.seq, "sgld chains");
      } catch (e) {
        stop(s);
        throw e;
      }
      const reply = receiveMessageOnPort(s.port)?.message as ChainsReply | undefined;
      if (reply === undefined || reply.records === undefined) {
        stop(s);
        throw new Error(`sgld chains: the second thread failed: ${reply?.failed ?? "no reply"}`);
      }
      obj.evaluatedElsewhere?.(reply.count);
      return reply.records.map(decodeRecord);
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
