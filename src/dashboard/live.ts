/**
 * Server-sent events for a run that is training: every `intervalMs` the store is asked for points
 * and events after the last step sent; when there are some (or the status changed) one `update`
 * event tells the page the new last step, the keys that grew, and the status. The page then
 * re-fetches its current views (decimated), so a live curve costs one small query per tick.
 */
import type { ServerResponse } from "node:http";
import type { RunReader } from "../store/reader.ts";

export interface LiveOptions {
  intervalMs?: number;
  /** Seconds between keep-alive comments (proxies drop silent connections). */
  keepAliveS?: number;
}

export function streamRun(
  reader: RunReader,
  id: string,
  res: ServerResponse,
  since: number,
  o: LiveOptions = {},
): () => void {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-content-type-options": "nosniff",
  });
  let last = since;
  let status = "";
  let events = -1;
  let beat = Date.now();
  const tick = (): void => {
    try {
      const run = reader.getRun(id);
      const fresh = reader.scalars(id, undefined, Number.isFinite(last) ? { sinceStep: last } : {});
      const nEvents = Object.values(run.eventCounts).reduce((a, b) => a + b, 0);
      if (fresh.length || run.status !== status || nEvents !== events) {
        const keys = [...new Set(fresh.map((p) => p.key))];
        if (fresh.length) last = fresh[fresh.length - 1].step;
        status = run.status;
        events = nEvents;
        res.write(
          `event: update\ndata: ${JSON.stringify({ step: Number.isFinite(last) ? last : null, keys, status, events })}\n\n`,
        );
        beat = Date.now();
      } else if (Date.now() - beat > (o.keepAliveS ?? 15) * 1000) {
        res.write(`: keep-alive\n\n`);
        beat = Date.now();
      }
    } catch (err) {
      res.write(`event: error\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
      stop();
      res.end();
    }
  };
  const timer = setInterval(tick, o.intervalMs ?? 500);
  tick();
  const stop = (): void => clearInterval(timer);
  res.on("close", stop);
  return stop;
}
