/** Shared fixtures of the training tests: tiny run configs, an in-memory sink and temp stores. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSafetensors } from "../../src/io/safetensors.ts";
import { SqliteRunStore } from "../../src/store/sqlite.ts";
import type { RunStore } from "../../src/store/types.ts";
import { parseRunConfig, type RunConfig, type RunConfigInput } from "../../src/train/config.ts";
import type { TrainState } from "../../src/train/checkpoint.ts";
import type { Sink, StepRecord } from "../../src/train/loop.ts";

/** A 2-8-2 tanh MLP on 64 two-moons points: a step takes well under a millisecond. */
export function tinyConfig(over: Partial<RunConfigInput> = {}): RunConfig {
  return parseRunConfig(tinyConfigInput(over));
}

/** tinyConfig as written in a run config file. */
export function tinyConfigInput(over: Partial<RunConfigInput> = {}): RunConfigInput {
  return {
    seed: 3,
    model: { arch: "mlp", sizes: [2, 8, 2], activation: "tanh" },
    data: { name: "two-moons", n: 64 },
    optimizer: { name: "sgd", lr: 0.1 },
    steps: 20,
    batchSize: 8,
    logEvery: 1,
    evalEvery: 5,
    checkpointEvery: 0,
    ...over,
  };
}

/**
 * tinyConfigInput on the cadence of a run worth storing: 60 steps of batch 16, a log row every 10
 * steps, evaluation and a checkpoint every 20 (the data and optimizer are each test's own).
 */
export function checkpointedConfigInput(over: Partial<RunConfigInput> = {}): RunConfigInput {
  return tinyConfigInput({ steps: 60, batchSize: 16, logEvery: 10, evalEvery: 20, checkpointEvery: 20, ...over });
}

/** Records every commit (the state is kept by reference: states are immutable). */
export class MemorySink implements Sink {
  records: StepRecord[] = [];
  checkpoints: TrainState[] = [];
  commit(record: StepRecord, checkpoint: TrainState | null): void {
    this.records.push(record);
    if (checkpoint) this.checkpoints.push(checkpoint);
  }
}

export function scratch(prefix = "shocklens-train-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const storeIn = (dir: string) => join(dir, "runs.db");

const ROOT = new URL("../../", import.meta.url).pathname;

/** Starts the CLI in a child process (as a user would), without waiting for it. */
export function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/bin.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = "",
    stderr = "";
  child.stdout?.on("data", (d) => (stdout += d));
  child.stderr?.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The tensors of a safetensors file as plain arrays (to compare weights written by two runs). */
export function tensorsOf(path: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, a] of readSafetensors(path).tensors) out[name] = Array.from(a.data as Float64Array);
  return out;
}

/** Opens the store at `path`, runs `f` (sync or async) and closes the store afterwards. */
export function withStore<T>(path: string, f: (s: RunStore) => T): T {
  const s = SqliteRunStore.open(path);
  let r: T;
  try {
    r = f(s);
  } catch (e) {
    s.close();
    throw e;
  }
  if (r instanceof Promise) return r.finally(() => s.close()) as T;
  s.close();
  return r;
}

/**
 * Polls the store at `path` (a training process or the training loop in this process writes it)
 * until its one run has logged more than `scalars` values; returns the run's id, "" on timeout.
 */
export async function waitForScalars(path: string, scalars = 20, timeoutMs = 30_000): Promise<string> {
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs;) {
    await sleep(10);
    try {
      const id = withStore(path, (s) => {
        const [run] = s.listRuns();
        return run && s.getRun(run.id).scalarCount > scalars ? run.id : "";
      });
      if (id) return id;
    } catch {
      // the writer may still be creating the file
    }
  }
  return "";
}

/**
 * After an interrupted `shocklens train`: exit 130, the last stderr line tells how to resume run
 * `id`, and the run is KILLED with one checkpoint, at the step it stopped at (returned).
 */
export function assertInterrupted(r: { code: number | null; stderr: string }, path: string, id: string): number {
  assert.equal(r.code, 130, r.stderr);
  const m = /interrupted at step (\d+); continue with: shocklens train --resume ([0-9a-f]{12}) --store (\S+)\n$/.exec(
    r.stderr,
  );
  assert.ok(m, r.stderr);
  assert.equal(m[2], id);
  const step = Number(m[1]);
  withStore(path, (s) => {
    assert.equal(s.getRun(id).status, "KILLED");
    assert.deepEqual(
      s.events(id, { kind: "checkpoint" }).map((e) => e.step),
      [step],
    );
  });
  return step;
}
