/** Shared pieces of the fault-injection suite: a small run, its reference, child processes, small disks, read-only views. */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { readSafetensors } from "../../../src/io/safetensors.ts";
import { SqliteRunStore } from "../../../src/store/sqlite.ts";
import type { RunStore } from "../../../src/store/types.ts";
import { parseRunConfig, type RunConfig, type RunConfigInput } from "../../../src/train/config.ts";
import { trainRun } from "../../../src/train/run.ts";
import { tinyConfigInput } from "../../train/helpers.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;
const BIN = join(ROOT, "src/cli/bin.ts");
const SLOW_RENAME = join(ROOT, "test/e2e/faults/fixtures/slowRename.ts");

/** SHOCKLENS_FAULTS_NO_MOUNT=1 stages every attack without mounts (as a machine without mount rights does). */
const NO_MOUNT = process.env.SHOCKLENS_FAULTS_NO_MOUNT === "1";

/** A fresh folder removed when the file's tests end. */
export function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "shocklens-faults-"));
  after(() => {
    spawnSync("umount", ["-R", dir], { stdio: "ignore" });
    chmodTree(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function chmodTree(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
    if (statSync(path).isDirectory()) for (const n of readdirSync(path)) chmodTree(join(path, n), mode);
  } catch {
    // best effort clean-up
  }
}

/** A 2-8-2 MLP on 64 two-moons points: every step logged, a checkpoint every 10 steps, 3 kept. */
export const RUN: RunConfigInput = tinyConfigInput({
  name: "fault-target",
  seed: 5,
  optimizer: { name: "adam", lr: 0.02 },
  steps: 60,
  evalEvery: 10,
  checkpointEvery: 10,
  keepCheckpoints: 3,
});

export const config = (over: Partial<RunConfigInput> = {}): RunConfig => parseRunConfig({ ...RUN, ...over });

export type Point = [string, number, number];
export const series = (s: RunStore, id: string): Point[] => s.scalars(id).map((p) => [p.key, p.step, p.value]);

export function withStore<T>(path: string, f: (s: SqliteRunStore) => T, options = {}): T {
  const s = SqliteRunStore.open(path, options);
  try {
    return f(s);
  } finally {
    s.close();
  }
}

/** Tensors of a safetensors file as plain arrays. */
export function tensorsOf(path: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, a] of readSafetensors(path).tensors) out[name] = Array.from(a.data as Float64Array);
  return out;
}

const references = new Map<string, { series: Point[]; weights: Record<string, number[]> }>();

/** The uninterrupted run of `cfg`: its scalar series and final weights (computed once per config). */
export async function reference(cfg: RunConfig): Promise<{ series: Point[]; weights: Record<string, number[]> }> {
  const key = JSON.stringify(cfg);
  const hit = references.get(key);
  if (hit) return hit;
  const path = join(scratch(), "ref.db");
  const s = SqliteRunStore.open(path);
  try {
    const r = await trainRun({ store: s, config: cfg });
    const ref = { series: series(s, r.id), weights: tensorsOf(r.weights as string) };
    references.set(key, ref);
    return ref;
  } finally {
    s.close();
  }
}

/** Trains `cfg` into a new store in `dir` and stops it (KILLED, resumable) after step `stopAt`. */
export async function interruptedRun(
  dir: string,
  stopAt: number,
  cfg: RunConfig = config(),
): Promise<{ path: string; id: string }> {
  const path = join(dir, "runs.db");
  const s = SqliteRunStore.open(path);
  try {
    const stop = new AbortController();
    const r = await trainRun({
      store: s,
      config: cfg,
      signal: stop.signal,
      callbacks: [{ onStep: (i) => i.step === stopAt && stop.abort() }],
    });
    assert.equal(r.status, "INTERRUPTED");
    return { path, id: r.id };
  } finally {
    s.close();
  }
}

/** Asserts a resumed run ended exactly as the uninterrupted one: same series (no point missing or twice) and weights. */
export async function assertSameAsReference(path: string, id: string, cfg: RunConfig = config()): Promise<void> {
  const ref = await reference(cfg);
  withStore(path, (s) => {
    assert.equal(s.getRun(id).status, "FINISHED");
    assert.deepEqual(series(s, id), ref.series, "the whole series, no point missing or twice");
    const weights = s.artifacts(id).find((a) => a.kind === "weights");
    assert.ok(weights, "weights registered");
    assert.deepEqual(tensorsOf(weights.path), ref.weights, "bit-identical final weights");
  });
}

export interface Child {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves when stderr has printed a line matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
}

/** Starts the CLI in a child process; `slowRename` stalls renames onto matching paths for `stallMs` (fixtures/slowRename.ts). */
export function startCli(args: string[], opts: { cwd?: string; slowRename?: string; stallMs?: number } = {}): Child {
  const preload = opts.slowRename ? ["--import", SLOW_RENAME] : [];
  const child = spawn(process.execPath, ["--import", "tsx", ...preload, BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: {
      ...process.env,
      NO_COLOR: "1",
      FAULT_SLOW_RENAME: opts.slowRename ?? "",
      FAULT_STALL_MS: String(opts.stallMs ?? 20_000),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
    for (const w of waiters.filter((w) => w.re.test(stderr))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const waitFor = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      if (re.test(stderr)) return resolve();
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} (stderr: ${stderr})`)), timeoutMs);
      waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
      void done.then(() => {
        clearTimeout(timer);
        if (!re.test(stderr)) reject(new Error(`the child exited before ${re}: ${stderr}`));
      });
    });
  return { child, done, waitFor };
}

/** `train --resume ID --store PATH --quiet …more` */
export const resumeArgs = (id: string, path: string, ...more: string[]) => [
  "train",
  "--resume",
  id,
  "--store",
  path,
  "--quiet",
  ...more,
];

/** `runs export ID --store PATH --format F --out OUT …more` */
export const exportArgs = (id: string, path: string, format: string, out: string, ...more: string[]) => [
  "runs",
  "export",
  id,
  "--store",
  path,
  "--format",
  format,
  "--out",
  out,
  ...more,
];

/** Files in `dir` whose names show an unfinished write. */
export const tempFiles = (dir: string): string[] => readdirSync(dir).filter((n) => /\.tmp-\d+/.test(n));

/**
 * A small file system of `bytes` mounted at `dir` (a tmpfs), or null where this process may not
 * mount (not root, or no CAP_SYS_ADMIN in a container): then the attack injects a failing writer.
 */
export function smallDisk(dir: string, bytes: number): { resize(bytes: number): void; release(): void } | null {
  if (process.getuid?.() !== 0 || process.platform !== "linux" || NO_MOUNT) return null;
  mkdirSync(dir, { recursive: true });
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) return null;
  return {
    resize: (n) => {
      const s = spawnSync("mount", ["-o", `remount,size=${n}`, dir], { encoding: "utf8" });
      assert.equal(s.status, 0, s.stderr);
    },
    release: () => void spawnSync("umount", [dir], { stdio: "ignore" }),
  };
}

/**
 * A read-only view of folder `src` at `dir`: a read-only bind mount when running as root (root
 * ignores permission bits), else the folder itself with every write permission removed.
 */
export function readOnlyView(src: string, dir: string): { path: string; how: string; release(): void } | null {
  if (process.getuid?.() === 0 && NO_MOUNT) return null; // root ignores permission bits: no read-only view without a mount
  if (process.getuid?.() === 0 && process.platform === "linux") {
    mkdirSync(dir, { recursive: true });
    const a = spawnSync("mount", ["--bind", src, dir], { encoding: "utf8" });
    const b = a.status === 0 ? spawnSync("mount", ["-o", "remount,bind,ro", dir], { encoding: "utf8" }) : a;
    if (a.status === 0 && b.status === 0)
      return { path: dir, how: "read-only bind mount", release: () => void spawnSync("umount", [dir]) };
    if (a.status === 0) spawnSync("umount", [dir]);
    return null;
  }
  chmodTree(src, 0o555);
  for (const n of readdirSync(src)) if (statSync(join(src, n)).isFile()) chmodSync(join(src, n), 0o444);
  return { path: src, how: "permissions removed", release: () => chmodTree(src, 0o755) };
}
