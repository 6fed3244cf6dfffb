/**
 * A run as a self-contained value that can travel between processes and machines
 * (docs/sweeps.md §results): its config, status, every scalar point (float64, bit-exact), its
 * events and the files that matter — the final weights of a result, or the newest checkpoint of a
 * resume bundle. Workers read one out of their private scratch store; only the coordinator writes
 * it into the real store.
 *
 * Bookkeeping events that describe where and how a job was computed rather than what it computed
 * (checkpoints written, resumes, interruptions, lease takeovers, rejected checkpoints, faults that
 * stopped an attempt) are not part of a result: a job's stored result is the same whether its
 * worker died twice or never.
 */
import { basename } from "node:path";
import { readFileChecked } from "../io/files.ts";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.ts";
import type { RunStatus, RunStore } from "../store/types.ts";

/** The reads a record needs (a read-only store is enough). */
export type RunStoreReaderLike = Pick<RunStore, "getRun" | "scalars" | "events" | "artifacts">;

export const BOOKKEEPING_EVENTS: ReadonlySet<string> = new Set([
  "checkpoint",
  "fault",
  "resumed",
  "interrupted",
  "lease_takeover",
  "checkpoint_rejected",
]);

export interface RecordEvent {
  step: number;
  wallTime: number;
  kind: string;
  payload: Record<string, unknown>;
}

export interface RecordFile {
  name: string;
  kind: string;
  bytes: Uint8Array;
  sha256: string;
}

/** Scalar points in store order (step, key, write order), as parallel columns. */
export interface RecordScalars {
  keys: string[];
  /** Index into `keys` of each point. */
  key: Uint32Array;
  step: Float64Array;
  wallTime: Float64Array;
  value: Float64Array;
}

export interface RunRecord {
  config: unknown;
  status: RunStatus;
  error: string | null;
  /** The highest step logged. */
  step: number;
  /** When the run (its last attempt) started and ended, Unix seconds. */
  startTime: number | null;
  endTime: number | null;
  scalars: RecordScalars;
  events: RecordEvent[];
  files: RecordFile[];
}

function readScalars(store: RunStoreReaderLike, runId: string): RecordScalars {
  const points = store.scalars(runId);
  const keys: string[] = [];
  const index = new Map<string, number>();
  const s: RecordScalars = {
    keys,
    key: new Uint32Array(points.length),
    step: new Float64Array(points.length),
    wallTime: new Float64Array(points.length),
    value: new Float64Array(points.length),
  };
  points.forEach((p, i) => {
    let k = index.get(p.key);
    if (k === undefined) index.set(p.key, (k = keys.push(p.key) - 1));
    s.key[i] = k;
    s.step[i] = p.step;
    s.wallTime[i] = p.wallTime;
    s.value[i] = p.value;
  });
  return s;
}

function readFile(a: { name: string; kind: string; path: string; sha256: string }): RecordFile {
  return { name: a.name, kind: a.kind, bytes: readFileChecked(a.path, a.kind), sha256: a.sha256 };
}

function baseRecord(store: RunStoreReaderLike, runId: string): Omit<RunRecord, "files"> {
  const run = store.getRun(runId);
  const scalars = readScalars(store, runId);
  const events = store
    .events(runId)
    .filter((e) => !BOOKKEEPING_EVENTS.has(e.kind))
    .map(({ step, wallTime, kind, payload }) => ({ step, wallTime, kind, payload }));
  let step = -1;
  for (const v of scalars.step) step = Math.max(step, v);
  for (const e of events) step = Math.max(step, e.step);
  const { config, status, error, startTime, endTime } = run;
  return { config, status, error, step, startTime, endTime, scalars, events };
}

/**
 * The result of an ended run: everything it logged but bookkeeping, and its weights. A divergence
 * event's pointer to the last good checkpoint is dropped (the checkpoint stays with the worker).
 */
export function readResult(store: RunStoreReaderLike, runId: string): RunRecord {
  const r = baseRecord(store, runId);
  const events = r.events.map((e) => {
    if (e.kind !== "divergence" || !("lastCheckpoint" in e.payload)) return e;
    const { lastCheckpoint: _dropped, ...payload } = e.payload;
    return { ...e, payload };
  });
  const weights = store.artifacts(runId).filter((a) => a.kind === "weights");
  return { ...r, events, files: weights.map(readFile) };
}

/**
 * What another worker needs to continue a run: everything logged so far and the newest registered
 * checkpoint (none yet: null — the job then starts over, with the same seed).
 */
export function readBundle(store: RunStoreReaderLike, runId: string): (RunRecord & { checkpointStep: number }) | null {
  const checkpoints = store
    .artifacts(runId)
    .filter((a) => a.kind === "checkpoint")
    .map((a) => ({ a, step: Number(/(\d+)\.safetensors$/.exec(basename(a.path))?.[1] ?? -1) }))
    .sort((x, y) => y.step - x.step);
  if (checkpoints.length === 0) return null;
  const { a, step } = checkpoints[0];
  return { ...baseRecord(store, runId), files: [readFile(a)], checkpointStep: step };
}

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");

function fromB64<T>(s: string, make: (buf: ArrayBuffer) => T): T {
  const b = Buffer.from(s, "base64");
  // Copy into a fresh, aligned buffer: typed arrays need an offset that is a multiple of their element size.
  return make(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** JSON text of a record: columns and files as base64 of their bytes, so every float64 survives bit for bit. */
export function encodeRecord(r: RunRecord): string {
  return JSON.stringify({
    ...r,
    scalars: {
      keys: r.scalars.keys,
      key: b64(r.scalars.key),
      step: b64(r.scalars.step),
      wallTime: b64(r.scalars.wallTime),
      value: b64(r.scalars.value),
    },
    files: r.files.map((f) => ({ ...f, bytes: b64(f.bytes) })),
  });
}

/** The inverse of `encodeRecord`; throws (a runtime error) on text that is not one. */
export function decodeRecord(text: string): RunRecord {
  const o = JSON.parse(text) as Omit<RunRecord, "scalars" | "files"> & {
    scalars: Record<"key" | "step" | "wallTime" | "value", string> & { keys: string[] };
    files: (Omit<RecordFile, "bytes"> & { bytes: string })[];
  };
  if (typeof o !== "object" || o === null || !o.scalars || !Array.isArray(o.events) || !Array.isArray(o.files))
    throw new Error("not an encoded run record");
  const s = o.scalars;
  const scalars: RecordScalars = {
    keys: s.keys,
    key: fromB64(s.key, (b) => new Uint32Array(b)),
    step: fromB64(s.step, (b) => new Float64Array(b)),
    wallTime: fromB64(s.wallTime, (b) => new Float64Array(b)),
    value: fromB64(s.value, (b) => new Float64Array(b)),
  };
  const n = scalars.key.length;
  if (scalars.step.length !== n || scalars.wallTime.length !== n || scalars.value.length !== n)
    throw new Error("run record: scalar columns of different lengths");
  return {
    ...o,
    scalars,
    files: o.files.map((f) => ({ ...f, bytes: new Uint8Array(Buffer.from(f.bytes, "base64")) })),
  };
}

/** Writes scalar points in their order, one call per (step, wall time) as the training loop logged them. */
export function writeScalars(store: Pick<RunStore, "logScalars">, runId: string, s: RecordScalars): void {
  let group: Record<string, number> = {};
  let step = NaN,
    wall = NaN;
  const flush = () => {
    if (Object.keys(group).length > 0) store.logScalars(runId, step, group, wall);
    group = {};
  };
  for (let i = 0; i < s.key.length; i++) {
    const k = s.keys[s.key[i]];
    if (s.step[i] !== step || s.wallTime[i] !== wall || k in group) {
      flush();
      step = s.step[i];
      wall = s.wallTime[i];
    }
    group[k] = s.value[i];
  }
  flush();
}

/** A weights or checkpoint file naming another run in its metadata, with `runId` instead (tensor bytes unchanged). */
export function rehomed(bytes: Uint8Array, runId: string, what: string): Uint8Array {
  const f = decodeSafetensors(bytes, what);
  return encodeSafetensors(f.tensors, { ...f.metadata, run: runId });
}
