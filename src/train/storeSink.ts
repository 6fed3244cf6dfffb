/**
 * The sink that writes a run's steps to the run store. A checkpoint file is written (atomically)
 * first; then the step's scalars, its events, the checkpoint event, the checkpoint artifact and
 * the removal of the checkpoints it makes redundant are committed in one transaction, which also
 * checks that this process still owns the run (its lease). Only then are the redundant files
 * deleted. So the store registers a checkpoint only with every scalar up to its step, never keeps
 * a row for a deleted file, and a process killed at any instant leaves a registered checkpoint
 * from which resuming loses nothing. After a resume, steps already in the store (logged after the
 * last checkpoint, before the crash) are recomputed bit-identically and not logged twice; neither
 * is a checkpoint event.
 */
import { basename, resolve } from "node:path";
import type { Lease, RunStore } from "../store/types.ts";
import {
  type CheckpointInfo,
  type TrainState,
  checkpointPath,
  checkpointsToPrune,
  deleteCheckpointFiles,
  writeCheckpoint,
} from "./checkpoint.ts";
import type { Sink, StepRecord } from "./loop.ts";

/** Seconds between heartbeats (renewing the run's lease; a liveness signal for `runs list` and the dashboard). */
const HEARTBEAT_S = 5;

export class StoreSink implements Sink {
  lastCheckpoint: { step: number; path: string } | null = null;
  /** The newest step handed to `commit`. */
  lastStep = -1;
  private lastBeat = performance.now();

  constructor(
    private readonly store: RunStore,
    private readonly lease: Lease,
    private readonly dir: string,
    private readonly info: CheckpointInfo,
    private readonly keep: number,
    /** The highest step already logged for this run (−1 for a fresh run). */
    private readonly loggedThrough: number,
  ) {}

  private get runId(): string {
    return this.lease.runId;
  }

  /** True when the store already holds a checkpoint event at `step` (logged before a crash). */
  private hasCheckpointEvent(step: number): boolean {
    return this.store.events(this.runId, { kind: "checkpoint", sinceStep: step - 1 }).some((e) => e.step === step);
  }

  commit(record: StepRecord, checkpoint: TrainState | null): void {
    const { store, runId, lease } = this;
    let file: string | null = null;
    let prune: string[] = [];
    if (checkpoint) {
      store.checkLease(lease); // never touch the run's files after another process took it over
      file = checkpointPath(this.dir, checkpoint.step);
      writeCheckpoint(file, checkpoint, this.info);
      prune = checkpointsToPrune(this.dir, this.keep, checkpoint.step);
    }
    const log = record.step > this.loggedThrough;
    if (file || (log && (record.events.length > 0 || Object.keys(record.scalars).length > 0))) {
      store.transaction(() => {
        store.checkLease(lease);
        if (log && Object.keys(record.scalars).length > 0) store.logScalars(runId, record.step, record.scalars);
        if (log)
          for (const e of record.events) store.logEvent(runId, { step: record.step, kind: e.kind, payload: e.payload });
        if (file) {
          if (log || !this.hasCheckpointEvent(record.step))
            store.logEvent(runId, { step: record.step, kind: "checkpoint", payload: { path: resolve(file) } });
          store.addArtifact(runId, { name: basename(file), kind: "checkpoint", path: file });
          for (const f of prune) store.removeArtifact(runId, f);
        }
      });
    }
    if (file && checkpoint) {
      deleteCheckpointFiles(this.dir, prune);
      this.lastCheckpoint = { step: checkpoint.step, path: file };
    }
    this.lastStep = record.step;
    const now = performance.now();
    if (now - this.lastBeat > HEARTBEAT_S * 1000) {
      store.renewLease(lease);
      this.lastBeat = now;
    }
  }
}
