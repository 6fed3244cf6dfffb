/**
 * Holding off SIGINT, SIGTERM and SIGHUP while a file is being written. A signal with Node's
 * default disposition ends the process at once — in the middle of a synchronous write that would
 * leave a temp file behind. While `deferSignals` runs its body a listener is installed, so the
 * signal waits in the event loop; once the body is done (temp file renamed or removed) and the
 * loop turns, a caught signal is raised again with the default disposition, unless somebody else
 * (e.g. `train`'s graceful stop) listens for it. SIGKILL cannot be deferred: stale temp files of
 * dead processes are swept by the next write of the same file (files.ts).
 */
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

let depth = 0;
let releaseScheduled = false;
/** The signals this module listens for now: those nobody else handled when the write began. */
const mine = new Set<NodeJS.Signals>();
const caught: NodeJS.Signals[] = [];

const onSignal = (sig: NodeJS.Signals) => {
  // Another listener (e.g. `train`'s graceful stop) handles this signal itself: nothing to re-raise.
  if (process.listenerCount(sig) === 1) caught.push(sig);
};

function release(): void {
  releaseScheduled = false;
  if (depth > 0) return;
  for (const s of mine) process.off(s, onSignal);
  mine.clear();
  const sig = caught.shift();
  caught.length = 0;
  // Nobody handled it: raise it again, now with the default action (exit by that signal).
  if (sig !== undefined && process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

/**
 * Runs `body` with SIGINT/SIGTERM/SIGHUP held until it has returned or thrown. A signal somebody
 * already listens for (a command's own graceful stop) is left to that listener.
 */
export function deferSignals<T>(body: () => T): T {
  for (const s of SIGNALS) {
    if (mine.has(s) || process.listenerCount(s) > 0) continue;
    process.on(s, onSignal);
    mine.add(s);
  }
  depth++;
  try {
    return body();
  } finally {
    depth--;
    if (depth === 0 && !releaseScheduled && mine.size > 0) {
      releaseScheduled = true;
      // A signal that arrived is dispatched in a poll phase of the event loop; two turns of the loop
      // (measured: the first check phase can come before it) make sure it reached `onSignal`.
      setImmediate(() => setImmediate(release));
    }
  }
}
