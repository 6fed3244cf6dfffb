/**
 * The second thread of the sgld chains (./chainThreads.ts): rebuilds the objective from its
 * portable description, selects the caller's GEMM backend at one thread, and runs the chains it is
 * handed with the same function the caller's thread uses (./sgldChains.ts); replies with their
 * records and the evaluations spent.
 */
import { workerData } from "node:worker_threads";
import { gemmBackendName, setGemmThreads, useGemmBackend } from "../core/backends/gemm/index.ts";
import { heartbeat, signalJob } from "../core/workerThread.ts";
import type { ChainsReply, ChainsRequest, WorkerSetup } from "./chainThreads.ts";
import { countedObjective } from "./objective.ts";
import { rebuildObjective } from "./portable.ts";
import { encodeRecord, jobFits, runChain } from "./sgldChains.ts";
import type { EvaluationCount } from "./types.ts";

const setup = workerData as WorkerSetup;

setup.port.on("message", (req: ChainsRequest) => {
  let reply: ChainsReply;
  try {
    if (gemmBackendName() !== req.backend) useGemmBackend(req.backend);
    setGemmThreads(1);
    // every evaluation is a heartbeat: the caller waits as long as the chains make progress
    const count: EvaluationCount = { values: 0, gradients: 0, hvps: 0 };
    const objective = countedObjective(rebuildObjective(req.objective), (kind) => {
      count[kind]++;
      heartbeat(setup.ctrl);
    });
    const fits = jobFits(req.job);
    const records = req.chains.map(({ c, start }) => encodeRecord(runChain(objective, req.job, c, start, fits)));
    reply = { records, count };
  } catch (e) {
    reply = { failed: e instanceof Error ? e.message : String(e) };
  }
  setup.port.postMessage(reply);
  signalJob(setup.ctrl, req.seq, 0);
});
