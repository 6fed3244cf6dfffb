/**
 * Run ownership (docs/store.md §leases): a run is written by one process at a time. The owner holds
 * a row in `leases` (process id, host, heartbeat, expiry), taken inside the write transaction that
 * starts or resumes the run, renewed with every heartbeat and checked inside every transaction that
 * logs for the run (a fence: a process that lost its lease stops instead of writing). A lease is
 * stale — and is taken over, with the previous owner reported — when its heartbeat expired, when
 * its process no longer exists on this host, or when this very process left it behind.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { processGone } from "../io/files.ts";
import type { Lease, RunOwner } from "./types.ts";

/** Seconds a lease lives without a heartbeat (the training loop beats every few seconds). */
export const LEASE_TTL_S = 300;

/** A process that finds its lease gone (taken over after it stalled) stops: a runtime failure. */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

interface LeaseRow extends RunOwner {
  token: string;
}

/** Tokens of the leases this process holds now. */
const held = new Set<string>();

function seconds(s: number): string {
  return `${Math.max(0, Math.round(s))} s`;
}

/** Why the lease can be taken over, or null while its owner is alive. */
export function staleReason(owner: LeaseRow, now: number, host = hostname()): string | null {
  if (now > owner.expires) return `its heartbeat stopped ${seconds(now - owner.heartbeat)} ago`;
  if (owner.host === host) {
    if (owner.pid === process.pid) return held.has(owner.token) ? null : "this process left it behind";
    if (processGone(owner.pid)) return `process ${owner.pid} no longer exists`;
  }
  return null;
}

export function describeOwner(owner: RunOwner, now: number): string {
  return `process ${owner.pid} on ${owner.host} (last heartbeat ${seconds(now - owner.heartbeat)} ago)`;
}

export function ownerOf(db: Database.Database, runId: string): LeaseRow | null {
  return (
    (db.prepare("SELECT token, pid, host, acquired, heartbeat, expires FROM leases WHERE run_id = ?").get(runId) as
      LeaseRow | undefined) ?? null
  );
}

/** Takes the lease of `runId`; call inside an IMMEDIATE transaction. InputError while a live owner holds it. */
export function acquireLease(db: Database.Database, runId: string, now: number, ttlS: number): Lease {
  const current = ownerOf(db, runId);
  let tookOver: Lease["tookOver"] = null;
  if (current) {
    const reason = staleReason(current, now);
    if (reason === null)
      throw new InputError(
        `run ${runId} is owned by ${describeOwner(current, now)}; ` +
          "a run has one owner at a time — wait for it to end (or stop it), then resume",
      );
    const { token: _token, ...owner } = current;
    tookOver = { ...owner, reason };
  }
  const token = randomBytes(8).toString("hex");
  db.prepare(
    `INSERT INTO leases (run_id, token, pid, host, acquired, heartbeat, expires) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id) DO UPDATE SET token = excluded.token, pid = excluded.pid, host = excluded.host,
       acquired = excluded.acquired, heartbeat = excluded.heartbeat, expires = excluded.expires`,
  ).run(runId, token, process.pid, hostname(), now, now, now + ttlS);
  held.add(token);
  return { runId, token, tookOver };
}

function lost(db: Database.Database, lease: Lease, now: number): LeaseLostError {
  const owner = ownerOf(db, lease.runId);
  return new LeaseLostError(
    `run ${lease.runId}: this process no longer owns it` +
      `${owner ? ` (${describeOwner(owner, now)} took it over)` : ""}; stopped without writing`,
  );
}

/** LeaseLostError unless `lease` is still the run's lease. */
export function checkLease(db: Database.Database, lease: Lease, now: number): void {
  const token = db.prepare("SELECT token FROM leases WHERE run_id = ?").pluck().get(lease.runId);
  if (token !== lease.token) throw lost(db, lease, now);
}

/** Extends the lease by `ttlS` from now (a heartbeat); LeaseLostError if it was taken over. */
export function renewLease(db: Database.Database, lease: Lease, now: number, ttlS: number): void {
  const r = db
    .prepare("UPDATE leases SET heartbeat = ?, expires = ? WHERE run_id = ? AND token = ?")
    .run(now, now + ttlS, lease.runId, lease.token);
  if (r.changes !== 1) throw lost(db, lease, now);
}

/**
 * Gives the lease up (a no-op if it was taken over meanwhile). If the store cannot be written (it
 * failed), the row stays but this process no longer counts it as held, so the next claim — here or
 * in another process — takes it over as stale.
 */
export function releaseLease(db: Database.Database, lease: Lease): void {
  try {
    db.prepare("DELETE FROM leases WHERE run_id = ? AND token = ?").run(lease.runId, lease.token);
  } finally {
    held.delete(lease.token);
  }
}
