/**
 * Compiled per-sample gradients on two threads (docs/performance.md §compiled-per-sample-gradients):
 * samples are independent, so the caller's thread computes samples [0, h) and a worker thread
 * samples [h, n), each with a one-row plan of its own writing into its rows of outputs in shared
 * memory. Each sample's products are the calls the one-thread loop makes, at one GEMM thread on
 * both threads, so the results are those of one thread bit for bit.
 */
import { awaitJob, newControl, startWorker } from "../core/workerThread.ts";
import type { MlpConfig } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import type { WorkerJob, WorkerSetup } from "./perSampleWorker.ts";

/** A zeroed Float64Array over shared memory (what a second thread can write into). */
export const sharedF64 = (len: number): Float64Array => new Float64Array(new SharedArrayBuffer(8 * len));

export const isShared = (a: Float64Array): boolean => a.buffer instanceof SharedArrayBuffer;

export interface SecondThread {
  /** Hands samples [from, n) to the worker (parameters, inputs and targets copied to shared memory). */
  start(
    params: readonly Float64Array[],
    x: Float64Array,
    target: Float64Array,
    out: readonly Float64Array[],
    from: number,
  ): void;
  /** Blocks until the worker is done; its samples' losses into values[from …]. */
  finish(values: Float64Array): void;
  close(): void;
}

export function secondThread(cfg: MlpConfig, loss: LossName, n: number, backend: string): SecondThread {
  const d = cfg.sizes;
  const L = d.length - 1;
  const params: Float64Array[] = [];
  for (let l = 1; l <= L; l++) {
    params.push(sharedF64(d[l] * d[l - 1]));
    if (cfg.bias) params.push(sharedF64(d[l]));
  }
  const tw = loss === "xent" ? 1 : d[L];
  const setup: WorkerSetup = {
    cfg,
    loss,
    backend,
    params,
    x: sharedF64(n * d[0]),
    target: sharedF64(n * tw),
    values: sharedF64(n),
    ctrl: newControl(),
  };
  const worker = startWorker(import.meta.url, "perSampleWorker", setup);
  const ctrl = setup.ctrl;
  let seq = 0;
  let from = n;
  return {
    start(p, x, target, out, first) {
      p.forEach((leaf, j) => params[j].set(leaf));
      setup.x.set(x);
      setup.target.set(target);
      from = first;
      const job: WorkerJob = { seq: ++seq, from: first, to: n, out: out as Float64Array[] };
      worker.postMessage(job);
    },
    finish(values) {
      awaitJob(ctrl, seq, "per-sample gradients");
      values.set(setup.values.subarray(from), from);
    },
    close() {
      void worker.terminate();
    },
  };
}
