/**
 * The second thread of the sgld chains (./chainThreads.ts): rebuilds the objective from its
 * portable description, selects the caller's GEMM backend at one thread, and runs the chains it is
 * handed with the same function the caller's thread uses (./sgldChains.ts); replies with their
 * records and the evaluations spent.
 */
import { workerData } from "node:worker_threads";
import { gemmBackendName, setGemmThreads, useGemmBackend } from "../core/backends/gemm/index.ts";
import { signalJob } from "../core/workerThread.ts";
import type { ChainsReply, ChainsRequest, WorkerSetup } from "./chainThreads.ts";
import { countingObjective } from "./objective.ts";
import { rebuildObjective } from "./portable.ts";
import { encodeRecord, jobFits, runChain } from "./sgldChains.ts";

const setup = workerData as WorkerSetup;

setup.port.on("message", (req: ChainsRequest) => {
  let reply: ChainsReply;
  try {
    if (gemmBackendName() !== req.backend) useGemmBackend(req.backend);
    setGemmThreads(1);
    const { objective, count } = countingObjective(rebuildObjective(req.objective));
    const fits = jobFits(req.job);
    const records = req.chains.map(({ c, start }) => encodeRecord(runChain(objective, req.job, c, start, fits)));
    reply = { records, count };
  } catch (e) {
    reply = { failed: e instanceof Error ? e.message : String(e) };
  }
  setup.port.postMessage(reply);
  signalJob(setup.ctrl, req.seq, 0);
});
