/**
 * A second thread for work that splits into independent halves (docs/performance.md
 * §compiled-per-sample-gradients, docs/local-entropy.md §threads): starting a worker over one of
 * the library's own modules, and the caller's blocking wait for its answer. The caller computes
 * its half while the worker computes the other; the worker signals on a shared Int32Array
 * ([0] = sequence number of the last job done, [1] = 0 ok, 1 failed, [2] = a heartbeat the worker
 * may bump while it works) and the caller waits on it with Atomics.wait, so a synchronous library
 * call can use both cores.
 */
import { type TransferListItem, Worker } from "node:worker_threads";

/** How long the caller waits for a worker's first job (module loading included) before giving up. */
const BOOT_MS = 60_000;

/**
 * A worker over the module `file` (a name without extension, beside `callerUrl`): the built
 * JavaScript as it is; run from the TypeScript sources (the tests), through the same TypeScript
 * loader, which a worker does not inherit. The worker never keeps the process alive.
 * `transferList` names what workerData moves rather than copies (a MessagePort must be moved).
 */
export function startWorker(
  callerUrl: string,
  file: string,
  workerData: unknown,
  transferList: TransferListItem[] = [],
): Worker {
  let worker: Worker;
  if (!callerUrl.endsWith(".ts")) worker = new Worker(new URL(`./${file}.js`, callerUrl), { workerData, transferList });
  else {
    const url = new URL(`./${file}.ts`, callerUrl).href;
    const code = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(url)}); });`;
    worker = new Worker(code, { eval: true, workerData, transferList });
  }
  worker.unref();
  return worker;
}

/** The control words a worker signals on: [0] last job done, [1] its status, [2] its heartbeat. */
export const newControl = (): Int32Array => new Int32Array(new SharedArrayBuffer(12));

/**
 * Blocks until the worker has finished job `seq`. Throws, naming `what`, when the worker reports
 * that the job failed, or shows no sign of life for too long: BOOT_MS for the first job (module
 * loading included), ten times that for later ones (or `patience` ms), counted from the last
 * heartbeat — a long job whose worker bumps the heartbeat as it goes waits as long as it runs.
 */
export function awaitJob(
  ctrl: Int32Array,
  seq: number,
  what: string,
  patience = seq === 1 ? BOOT_MS : 10 * BOOT_MS,
): void {
  let deadline = Date.now() + patience;
  let beat = Atomics.load(ctrl, 2);
  for (let done = Atomics.load(ctrl, 0); done !== seq; done = Atomics.load(ctrl, 0)) {
    const now = Date.now();
    const b = Atomics.load(ctrl, 2);
    if (b !== beat) {
      beat = b;
      deadline = now + patience;
    }
    if (now > deadline) throw new Error(`${what}: the second thread did not answer`);
    Atomics.wait(ctrl, 0, done, 100);
  }
  if (Atomics.load(ctrl, 1) !== 0) throw new Error(`${what}: the second thread failed`);
}

/** The worker's side: a sign of life during a long job (see awaitJob). */
export function heartbeat(ctrl: Int32Array): void {
  Atomics.add(ctrl, 2, 1);
}

/** The worker's side: job `seq` is done (status 0 ok, 1 failed); wakes the waiting caller. */
export function signalJob(ctrl: Int32Array, seq: number, status: number): void {
  Atomics.store(ctrl, 1, status);
  Atomics.store(ctrl, 0, seq);
  Atomics.notify(ctrl, 0);
}
