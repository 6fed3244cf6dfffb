/**
 * Progress of a sweep on stderr: on a terminal the commands' bar over jobs (ended of total, running,
 * failed, rate, ETA; src/progress.ts), otherwise one plain line per job that ends, is retried or fails.
 */
import { Progress } from "../progress.ts";
import type { SweepEvent } from "./local.ts";

export interface SweepProgress {
  onEvent(e: SweepEvent): void;
  stop(): void;
}

export function sweepProgress(o: {
  sweepId: string;
  total: number;
  done: number;
  failed: number;
  stream?: NodeJS.WriteStream;
  quiet?: boolean;
}): SweepProgress {
  const stream = o.stream ?? process.stderr;
  let done = o.done,
    failed = o.failed;
  const running = new Set<string>();
  if (o.quiet) return { onEvent() {}, stop() {} };
  if (!stream.isTTY) {
    const line = (s: string) => stream.write(`sweep ${o.sweepId}: ${s}\n`);
    return {
      onEvent(e) {
        const j = `job ${e.job.index}`;
        if (e.kind === "finished") done++;
        if (e.kind === "failed") failed++;
        const tally = `(${done + failed}/${o.total} ended, ${failed} failed)`;
        if (e.kind === "finished")
          line(`${j} finished: run ${e.runId}${e.duplicate ? " (already stored)" : ""} ${tally}`);
        else if (e.kind === "retry") line(`${j} will be retried in ${(e.delayMs / 1000).toFixed(1)} s: ${e.error}`);
        else if (e.kind === "failed") line(`${j} failed: ${e.error} ${tally}`);
        else if (e.kind === "start" && e.fromStep > 0)
          line(`${j} resumed at step ${e.fromStep}/${e.totalSteps} on ${e.worker}`);
      },
      stop() {},
    };
  }
  const phase = new Progress({ label: "sweep", stream }).phase(o.sweepId, { total: o.total, unit: "jobs" });
  const show = () => phase.update(done + failed, `${running.size} running, ${failed} failed`);
  show();
  return {
    onEvent(e) {
      if (e.kind === "start") running.add(e.job.id);
      if (e.kind === "finished" || e.kind === "failed" || e.kind === "retry") running.delete(e.job.id);
      if (e.kind === "finished") done++;
      if (e.kind === "failed") failed++;
      if (e.kind !== "progress") show();
    },
    stop() {
      phase.end();
    },
  };
}
