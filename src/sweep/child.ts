/**
 * A pool's child process: runs the jobs its parent sends, one at a time, and reports start,
 * progress, resume bundles and the result over IPC. When the parent goes away (killed), the IPC
 * channel closes and the child exits at once: a job is only ever computed for a live coordinator
 * or worker, and the scratch folder it leaves is resumed by the next attempt.
 */
import { InputError } from "../errors.ts";
import type { FromChild, ToChild } from "./protocol.ts";
import { runJob } from "./runJob.ts";

const send = (m: FromChild) => {
  if (process.connected) process.send?.(m);
};

let current: AbortController | null = null;

async function run(m: Extract<ToChild, { type: "run" }>): Promise<void> {
  const { jobId } = m.task;
  current = new AbortController();
  try {
    const out = await runJob(
      m.task,
      {
        signal: current.signal,
        onStart: (fromStep, totalSteps) => send({ type: "start", jobId, fromStep, totalSteps }),
        onProgress: (step, totalSteps) => send({ type: "progress", jobId, step, totalSteps }),
        onBundle: m.wantBundles ? (bundle) => send({ type: "bundle", jobId, bundle }) : undefined,
      },
      m.bundle,
    );
    send(
      out.kind === "result"
        ? { type: "result", jobId, record: out.record }
        : { type: "interrupted", jobId, step: out.step },
    );
  } catch (err) {
    send({
      type: "error",
      jobId,
      message: err instanceof Error ? err.message : String(err),
      input: err instanceof InputError,
    });
  } finally {
    current = null;
  }
}

process.on("message", (m: ToChild) => {
  if (m.type === "run") void run(m);
  else if (m.type === "stop") current?.abort();
});
process.on("disconnect", () => process.exit(0));
// Signals go to the parent, which stops its children through IPC (so they checkpoint first).
process.on("SIGINT", () => {});
send({ type: "ready" });
