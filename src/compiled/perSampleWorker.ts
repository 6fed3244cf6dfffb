/**
 * The second thread of compiled per-sample gradients (./perSampleThreads.ts): a one-row plan of
 * its own that computes the samples it is handed, reading parameters, inputs and targets from
 * shared memory and writing each sample's gradient into its row of the shared outputs — the same
 * calls, in the same GEMM backend at one thread, as the caller's thread makes for its samples.
 */
import { parentPort, workerData } from "node:worker_threads";
import { setGemmThreads, useGemmBackend } from "../core/backends/gemm/index.ts";
import { signalJob } from "../core/workerThread.ts";
import type { MlpConfig } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import { compileMlpGrad } from "./mlpGrad.ts";

export interface WorkerSetup {
  cfg: MlpConfig;
  loss: LossName;
  backend: string;
  /** The parameter leaves (shared), in mlp leaf order. */
  params: Float64Array[];
  x: Float64Array;
  target: Float64Array;
  values: Float64Array;
  /** [0] sequence number of the last job done, [1] 0 = ok, 1 = the job threw. */
  ctrl: Int32Array;
}

/** One job: samples [from, to) into rows of `out` (shared arrays). */
export interface WorkerJob {
  seq: number;
  from: number;
  to: number;
  out: Float64Array[];
}

const setup = workerData as WorkerSetup;
useGemmBackend(setup.backend);
setGemmThreads(1);
const plan = compileMlpGrad(setup.cfg, setup.loss, 1);
const d0 = setup.cfg.sizes[0];
const tw = setup.target.length / setup.values.length;

parentPort?.on("message", (job: WorkerJob) => {
  let status = 0;
  try {
    for (let i = job.from; i < job.to; i++) {
      const xi = setup.x.subarray(i * d0, (i + 1) * d0);
      const ti = setup.target.subarray(i * tw, (i + 1) * tw);
      setup.values[i] = plan.runInto(setup.params, xi, ti, job.out, i);
    }
  } catch {
    status = 1;
  }
  signalJob(setup.ctrl, job.seq, status);
});
