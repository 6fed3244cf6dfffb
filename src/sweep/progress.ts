/**
 * Progress of a sweep on stderr: on a terminal a bar over jobs (finished of total, running, failed,
 * ETA; colour unless NO_COLOR), otherwise one plain line per job that ends, is retried or fails.
 */
import cliProgress from "cli-progress";
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
  const color = !process.env.NO_COLOR;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        `sweep ${color ? "\u001b[36m{bar}\u001b[0m" : "{bar}"} {value}/{total} jobs` +
        " | {running} running | {failed} failed | ETA {eta_formatted}",
      barsize: 24,
      hideCursor: true,
      etaBuffer: 20,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(o.total, done + failed, { running: 0, failed });
  return {
    onEvent(e) {
      if (e.kind === "start") running.add(e.job.id);
      if (e.kind === "finished" || e.kind === "failed" || e.kind === "retry") running.delete(e.job.id);
      if (e.kind === "finished") done++;
      if (e.kind === "failed") failed++;
      if (e.kind !== "progress") bar.update(done + failed, { running: running.size, failed });
    },
    stop() {
      bar.stop();
    },
  };
}
