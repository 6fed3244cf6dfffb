/**
 * The second thread of the sgld chains and the smc replicates (./chainThreads.ts): rebuilds the
 * objective from its portable description, selects the caller's GEMM backend at one thread, and
 * runs the chains (./sgldChains.ts) or replicates (./smcReplicates.ts) it is handed with the same
 * functions the caller's thread uses; replies with their records and the evaluations spent.
 */
import { workerData } from "node:worker_threads";
import { gemmBackendName, setGemmThreads, useGemmBackend } from "../core/backends/gemm/index.ts";
import { heartbeat, signalJob } from "../core/workerThread.ts";
import type { ThreadReply, ThreadRequest, ThreadWork, WorkerSetup } from "./chainThreads.ts";
import { countedObjective } from "./objective.ts";
import { rebuildObjective } from "./portable.ts";
import { encodeRecord, jobFits, runChain } from "./sgldChains.ts";
import { encodeReplicate, runReplicates } from "./smcReplicates.ts";
import type { EvaluationCount, Objective } from "./types.ts";

const setup = workerData as WorkerSetup;

function run(objective: Objective, count: EvaluationCount, work: ThreadWork) {
  if (work.kind === "smc replicates") return runReplicates(objective, count, work.job).map(encodeReplicate);
  const fits = jobFits(work.job);
  return work.chains.map(({ c, start }) => encodeRecord(runChain(objective, work.job, c, start, fits)));
}

setup.port.on("message", (req: ThreadRequest) => {
  let reply: ThreadReply;
  try {
    if (gemmBackendName() !== req.backend) useGemmBackend(req.backend);
    setGemmThreads(1);
    // every evaluation is a heartbeat: the caller waits as long as the work makes progress
    const count: EvaluationCount = { values: 0, gradients: 0, hvps: 0 };
    const objective = countedObjective(rebuildObjective(req.objective), (kind) => {
      count[kind]++;
      heartbeat(setup.ctrl);
    });
    reply = { records: run(objective, count, req.work), count };
  } catch (e) {
    reply = { failed: e instanceof Error ? e.message : String(e) };
  }
  setup.port.postMessage(reply);
  signalJob(setup.ctrl, req.seq, 0);
});
