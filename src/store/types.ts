/**
 * The run store's public types. `RunStore` is the seam between the training/monitoring code and
 * persistence: the SQLite implementation lives in ./sqlite.ts, and anything else (an in-memory fake,
 * a remote store) only has to honour this interface.
 *
 * Conventions: wall times are Unix seconds (float, like TensorBoard's `wall_time`); a run reference
 * (`ref`) is a full run id or a unique prefix of one, like a git hash; scalar values are float64 and
 * NaN, ±Inf and −0 round-trip exactly.
 */
import type { SweepReader } from "./sweepReader.ts";

/**
 * Lifecycle of a run. SCHEDULED → RUNNING → FINISHED | FAILED | KILLED (a scheduled run may also fail or be
 * killed; a KILLED run may be resumed → RUNNING).
 */
export type RunStatus = "SCHEDULED" | "RUNNING" | "FINISHED" | "FAILED" | "KILLED";
export const RUN_STATUSES: readonly RunStatus[] = ["SCHEDULED", "RUNNING", "FINISHED", "FAILED", "KILLED"];

/** Well-known event kinds; any other lower_snake_case kind is accepted too. */
export type EventKind = "shock" | "phase_transition" | "divergence" | "checkpoint" | "info" | (string & {});

export interface Experiment {
  id: number;
  name: string;
  created: number;
}

export interface CreateRunOptions {
  name: string;
  /** Experiment name; created on first use. Default "default". */
  experiment?: string;
  /** Any JSON value (finite numbers only); stored as canonical JSON and hashed (sha256). */
  config?: unknown;
  seed?: number | null;
  tags?: Record<string, string>;
  /** Hyper-parameters, flattened to dotted keys. Default: the flattened config. */
  params?: Record<string, unknown>;
  /** Initial status; RUNNING also sets the start time. Default "RUNNING". */
  status?: "SCHEDULED" | "RUNNING";
}

export interface RunSummary {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  seed: number | null;
  configHash: string;
  created: number;
  startTime: number | null;
  endTime: number | null;
  heartbeat: number | null;
  error: string | null;
}

/** The latest point (highest step, then latest written) of one scalar key. */
export interface LastScalar {
  step: number;
  wallTime: number;
  value: number;
}

export interface RunDetail extends RunSummary {
  config: unknown;
  /** Flattened hyper-parameters, values as given (numbers, strings, booleans, arrays). */
  params: Record<string, unknown>;
  tags: Record<string, string>;
  lastScalars: Record<string, LastScalar>;
  scalarCount: number;
  /** Number of events per kind. */
  eventCounts: Record<string, number>;
  artifactCount: number;
}

export interface ScalarPoint {
  key: string;
  step: number;
  wallTime: number;
  value: number;
}

export interface ScalarQuery {
  /** Only points with step > sinceStep (for tailing a live run). */
  sinceStep?: number;
}

export interface EventInput {
  step: number;
  kind: EventKind;
  /** JSON object; non-finite numbers are stored as the strings "NaN", "Infinity", "-Infinity". */
  payload?: Record<string, unknown>;
  wallTime?: number;
}

export interface RunEvent {
  id: number;
  step: number;
  wallTime: number;
  kind: string;
  payload: Record<string, unknown>;
}

export interface EventQuery {
  kind?: string;
  sinceStep?: number;
}

export interface ArtifactInput {
  name: string;
  /** e.g. "checkpoint", "report", "weights". */
  kind: string;
  path: string;
  /** Size and digest; computed from the file at `path` when omitted. */
  bytes?: number;
  sha256?: string;
}

export interface Artifact {
  id: number;
  name: string;
  kind: string;
  path: string;
  bytes: number;
  sha256: string;
  created: number;
}

/** The process that owns a run (holds its lease), as recorded in the store. */
export interface RunOwner {
  pid: number;
  host: string;
  /** Unix seconds. */
  acquired: number;
  heartbeat: number;
  expires: number;
}

/** Ownership of a run by this process, from `startRun` or `claimRun` until released. */
export interface Lease {
  runId: string;
  token: string;
  /** The stale owner this lease replaced, and why it was stale; null when the run had no owner. */
  tookOver: (RunOwner & { reason: string }) | null;
}

export interface ListRunsQuery {
  status?: RunStatus;
  /** Experiment name. */
  experiment?: string;
  limit?: number;
}

/** The read half of a store: what `runs list/show/export` (opened read-only) need. */
export interface RunStoreReader {
  /** The store's location as given when opened (used in messages). */
  readonly path: string;
  /** Full id of the run a reference (id or unique prefix) names; InputError when none or ambiguous. */
  resolveRunId(ref: string): string;
  listRuns(query?: ListRunsQuery): RunSummary[];
  getRun(ref: string): RunDetail;
  /** Points ordered by step, then key, then write order. */
  scalars(ref: string, key?: string, query?: ScalarQuery): ScalarPoint[];
  /** Same as `scalars`, one point at a time, for exports too big to hold in memory. */
  iterScalars(ref: string, key?: string, query?: ScalarQuery): IterableIterator<ScalarPoint>;
  scalarKeys(ref: string): string[];
  events(ref: string, query?: EventQuery): RunEvent[];
  /** Artifacts with absolute paths (stored relative to the store's folder when inside it). */
  artifacts(ref: string): Artifact[];
  /** The process that owns the run now, or null. */
  owner(ref: string): RunOwner | null;
  close(): void;
}

/** A reader that also reads the store's sweeps (docs/sweeps.md §store). */
export interface SweepStoreReader extends RunStoreReader {
  sweeps(): SweepReader;
}

/**
 * A store of runs and everything they log. Writes are durable when the call returns (each call is
 * one transaction) unless made inside `transaction(fn)`, which commits all of them together.
 */
export interface RunStore extends RunStoreReader {
  createExperiment(name: string): Experiment;
  getOrCreateExperiment(name: string): Experiment;
  createRun(options: CreateRunOptions): RunSummary;
  /** Creates a RUNNING run owned by this process, in one transaction. */
  startRun(options: CreateRunOptions): { run: RunSummary; lease: Lease };
  /**
   * Takes ownership of a RUNNING (crashed) or KILLED run to resume it; InputError naming the owner
   * while a live process holds it, or when the run has ended. A stale lease is taken over.
   */
  claimRun(ref: string): Lease;
  /** Heartbeat: extends the lease (and the run's heartbeat); throws when the lease was taken over. */
  renewLease(lease: Lease): void;
  /** Throws unless `lease` still owns its run; call inside transactions that write for the run. */
  checkLease(lease: Lease): void;
  releaseLease(lease: Lease): void;
  setStatus(ref: string, status: RunStatus, options?: { error?: string }): void;
  heartbeat(ref: string): void;
  setTag(ref: string, key: string, value: string): void;

  /** Writes every key at this step in one transaction. */
  logScalars(ref: string, step: number, values: Record<string, number>, wallTime?: number): void;
  logEvent(ref: string, event: EventInput): RunEvent;
  /** Registers a file of the run; registering a path again replaces its record. */
  addArtifact(ref: string, artifact: ArtifactInput): Artifact;
  /** Forgets the artifact(s) of a run stored at `path` (the file itself is the caller's). */
  removeArtifact(ref: string, path: string): void;
  /**
   * Runs `fn` inside one write transaction: everything it logs commits atomically (e.g. a step's
   * scalars together with its checkpoint event), or not at all if it throws. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T;
  /** Removes the run and everything it logged (artifact files are left alone). */
  deleteRun(ref: string): void;
}
