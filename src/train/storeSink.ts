/**
 * The sink that writes a run's steps to the run store. A checkpoint file is written (atomically)
 * first; then the step's scalars, its events, the checkpoint event and the checkpoint artifact
 * are committed in one transaction. So the store registers a checkpoint only with every scalar
 * up to its step, and a process killed at any instant leaves a registered checkpoint from which
 * resuming loses nothing. After a resume, steps already in the store (logged after the last
 * checkpoint, before the crash) are recomputed bit-identically and not logged twice.
 */
import { basename } from "node:path";
import type { RunStore } from "../store/types.ts";
import {
  type CheckpointInfo,
  type TrainState,
  checkpointPath,
  pruneCheckpoints,
  writeCheckpoint,
} from "./checkpoint.ts";
import type { Sink, StepRecord } from "./loop.ts";

/** Seconds between heartbeats (a liveness signal for `runs list` and the dashboard). */
const HEARTBEAT_S = 5;

export class StoreSink implements Sink {
  lastCheckpoint: { step: number; path: string } | null = null;
  private lastBeat = 0;

  constructor(
    private readonly store: RunStore,
    private readonly runId: string,
    private readonly dir: string,
    private readonly info: CheckpointInfo,
    private readonly keep: number,
    /** The highest step already logged for this run (−1 for a fresh run). */
    private readonly loggedThrough: number,
  ) {}

  commit(record: StepRecord, checkpoint: TrainState | null): void {
    let file: string | null = null;
    if (checkpoint) {
      file = checkpointPath(this.dir, checkpoint.step);
      writeCheckpoint(file, checkpoint, this.info);
    }
    const log = record.step > this.loggedThrough;
    const { store, runId } = this;
    if (file || (log && (record.events.length > 0 || Object.keys(record.scalars).length > 0))) {
      store.transaction(() => {
        if (log && Object.keys(record.scalars).length > 0) store.logScalars(runId, record.step, record.scalars);
        if (log)
          for (const e of record.events) store.logEvent(runId, { step: record.step, kind: e.kind, payload: e.payload });
        if (file) {
          store.logEvent(runId, { step: record.step, kind: "checkpoint", payload: { path: file } });
          store.addArtifact(runId, { name: basename(file), kind: "checkpoint", path: file });
        }
      });
    }
    if (file && checkpoint) {
      const removed = pruneCheckpoints(this.dir, this.keep);
      if (removed.length) store.transaction(() => removed.forEach((f) => store.removeArtifact(runId, f)));
      this.lastCheckpoint = { step: checkpoint.step, path: file };
    }
    const now = performance.now();
    if (now - this.lastBeat > HEARTBEAT_S * 1000) {
      store.heartbeat(runId);
      this.lastBeat = now;
    }
  }
}
