/**
 * The queue's vocabulary, shared by the coordinator and the workers (docs/sweeps.md §across-machines):
 * the address a user gives, the BullMQ queue every sweep's jobs go through, and the Redis keys of a
 * sweep under which results, progress and resume bundles flow back. No Redis client here: parsing
 * an address must not load one.
 */
import { InputError } from "../errors.ts";

/** The BullMQ queue every sweep's jobs go through. */
export const QUEUE_NAME = "shocklens-jobs";

/** BullMQ job ids may not contain ':'. */
export const bullJobId = (sweepId: string, jobId: string) => `${sweepId}-${jobId}`;

export const keys = {
  /** A list of ResultMessage (JSON), appended by workers, consumed from the head by the coordinator. */
  results: (sweepId: string) => `shocklens:sweep:${sweepId}:results`,
  /** A hash job id → JobProgress (JSON). */
  progress: (sweepId: string) => `shocklens:sweep:${sweepId}:progress`,
  /** The newest resume bundle of a job (an encoded run record). */
  bundle: (sweepId: string, jobId: string) => `shocklens:sweep:${sweepId}:bundle:${jobId}`,
};

/** The payload of a queued job. */
export interface QueuedJob {
  sweep: string;
  job: string;
  index: number;
  config: unknown;
}

/**
 * What a worker sends back about one attempt (`attempt` as in JobProgress; `fromStep`: where its
 * training started, null if it never did).
 */
export type ResultMessage = { job: string; worker: string; attempt: string; fromStep: number | null } & (
  | { kind: "result"; record: string }
  | { kind: "retry"; error: string; delayMs: number }
  | { kind: "failed"; error: string }
);

export interface JobProgress {
  worker: string;
  /** BullMQ's attempt number (from 1) and the stall count, so a new attempt is told from progress of the current one. */
  attempt: string;
  /** Null until the attempt's training starts. */
  fromStep: number | null;
  step: number | null;
  totalSteps: number | null;
}

/** What both ioredis and BullMQ take to connect. */
export interface ConnectionSettings {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: Record<string, never>;
  maxRetriesPerRequest: null;
}

/** Connection options from redis://[user:password@]HOST:PORT[/DB] (rediss:// for TLS). */
export function redisOptions(url: string): ConnectionSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(`--queue: expected redis://HOST:PORT, got "${url}"`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw new InputError(`--queue: expected a redis:// or rediss:// address, got "${url}"`);
  if (u.hostname === "") throw new InputError(`--queue: expected redis://HOST:PORT with a host, got "${url}"`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0)
    throw new InputError(`--queue: expected a database number after HOST:PORT/, got "${url}"`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    db,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    // BullMQ needs commands to wait for a reconnect rather than fail; so do results in flight.
    maxRetriesPerRequest: null,
  };
}
