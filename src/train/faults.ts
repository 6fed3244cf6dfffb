/**
 * What happens to a run when something other than a divergence stops it (docs/store.md §faults):
 * a full disk, an I/O error, a store lock held past the busy timeout, a failing callback. The
 * checkpoint on disk is intact, so the run is recorded as KILLED — resumable — with a `fault`
 * event naming the error, and its lease is released; never FAILED, which is final. If the store
 * itself cannot be written the run stays RUNNING with a lease that the next resume takes over.
 * The error thrown names the run and how to resume it; a runtime failure stays one (exit 1).
 */
import { InputError } from "../errors.ts";
import { errorCode, isTransientFault } from "../io/faults.ts";
import { LeaseLostError } from "../store/lease.ts";
import type { Lease, RunStore } from "../store/types.ts";

/** A run stopped by a runtime failure; `code` keeps the system's error code (ENOSPC, SQLITE_BUSY, …). */
export class RunFault extends Error {
  override name = "RunFault";
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Records the fault in the store (best effort) and returns the error to throw. */
export function stopOnFault(store: RunStore, lease: Lease, err: unknown, step: number): Error {
  if (err instanceof LeaseLostError) return err; // the run is another process's now: leave it alone
  const message = err instanceof Error ? err.message : String(err);
  const code = errorCode(err);
  const id = lease.runId;
  let recorded = true;
  try {
    store.transaction(() => {
      store.checkLease(lease);
      store.logEvent(id, {
        step,
        kind: "fault",
        payload: { error: message, code: code ?? null, transient: isTransientFault(err) },
      });
      store.setStatus(id, "KILLED", { error: message });
      store.releaseLease(lease);
    });
  } catch {
    recorded = false;
    try {
      store.releaseLease(lease);
    } catch {
      // The store is what failed; the lease is stale now and the next resume takes it over.
    }
  }
  const resume = `shocklens train --resume ${id} --store ${store.path}`;
  const hint = `run ${id} ${recorded ? "is KILLED" : "stopped"} at step ${step}; once the cause is fixed, ${resume} continues it`;
  return err instanceof InputError ? new InputError(`${message}; ${hint}`) : new RunFault(`${message}; ${hint}`, code);
}
