/** Shared fixtures of the training tests: tiny run configs, an in-memory sink and temp stores. */
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
  return parseRunConfig({
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
  });
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
