/**
 * Worker threads for the WebAssembly GEMM: each worker instantiates the same module over the
 * same shared memory and computes the slices of a product it is handed, synchronised through
 * Atomics on a control block in that memory (no message passing per call: a postMessage round
 * trip costs tens of microseconds, an Atomics.notify a few). The workers receive the module
 * compiled, so they run the caller's build — relaxed SIMD or plain — and compile nothing: the V8
 * flag a relaxed-SIMD module needed to compile is process-wide and was set before.
 *
 * Control block (Int32, at byte `ctrl`): for worker w, slot s = ctrl/4 + 32·w:
 *   [s]     job sequence number posted by the caller (−1: exit)
 *   [s + 1] sequence number of the last job finished by the worker
 *   [s + 2] 0 = ok, 1 = the job threw
 *   [s + 3 … s + 17] the job: the 15 arguments of dgemm
 */
import { Worker } from "node:worker_threads";

const SLOT = 32;
const SPIN = 20000;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { module, memory, base } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("gemm.wasm aborted"); } } });
const E = inst.exports;
const ctrl = new Int32Array(memory.buffer, 0, (base + ${SLOT}));
let seen = 0;
for (;;) {
  let seq = Atomics.load(ctrl, base);
  for (let i = 0; seq === seen && i < ${SPIN}; i++) seq = Atomics.load(ctrl, base);
  if (seq === seen) { Atomics.wait(ctrl, base, seen); continue; }
  if (seq < 0) break;
  seen = seq;
  const j = base + 3;
  let status = 0;
  try {
    E.dgemm(ctrl[j], ctrl[j + 1], ctrl[j + 2], ctrl[j + 3], ctrl[j + 4], ctrl[j + 5], ctrl[j + 6], ctrl[j + 7],
      ctrl[j + 8], ctrl[j + 9], ctrl[j + 10], ctrl[j + 11], ctrl[j + 12], ctrl[j + 13], ctrl[j + 14]);
  } catch (e) {
    status = 1;
  }
  Atomics.store(ctrl, base + 2, status);
  Atomics.store(ctrl, base + 1, seq);
  Atomics.notify(ctrl, base + 1);
}
`;

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly base: number[] = [];
  private seq = 0;
  private posted: number[] = [];

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, ctrlByte: number, n: number) {
    const words = ctrlByte / 4;
    this.ctrl = new Int32Array(memory.buffer, 0, words + SLOT * n);
    for (let w = 0; w < n; w++) {
      const base = words + SLOT * w;
      this.ctrl.fill(0, base, base + SLOT);
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, base } });
      worker.unref();
      this.workers.push(worker);
      this.base.push(base);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Posts one job (the 15 int arguments of dgemm) to each of the first jobs.length workers. */
  start(jobs: readonly (readonly number[])[]): void {
    if (jobs.length > this.workers.length)
      throw new Error(`worker pool: ${jobs.length} jobs for ${this.workers.length} workers`);
    this.seq++;
    this.posted = [];
    for (let w = 0; w < jobs.length; w++) {
      const base = this.base[w];
      const job = jobs[w];
      for (let i = 0; i < 15; i++) this.ctrl[base + 3 + i] = job[i];
      Atomics.store(this.ctrl, base, this.seq);
      Atomics.notify(this.ctrl, base);
      this.posted.push(base);
    }
  }

  /** Blocks until every posted job is done; throws if one failed. */
  wait(): void {
    const c = this.ctrl;
    for (const base of this.posted) {
      let done = Atomics.load(c, base + 1);
      for (let i = 0; done !== this.seq && i < SPIN; i++) done = Atomics.load(c, base + 1);
      while (done !== this.seq) {
        Atomics.wait(c, base + 1, done, 1000);
        done = Atomics.load(c, base + 1);
      }
      if (Atomics.load(c, base + 2) !== 0) throw new Error("wasm gemm worker failed");
    }
    this.posted = [];
  }

  close(): void {
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.ctrl, this.base[w], -1);
      Atomics.notify(this.ctrl, this.base[w]);
      void this.workers[w].terminate();
    }
    this.workers.length = 0;
  }
}
