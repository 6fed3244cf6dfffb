/** Shared helpers for the store tests: scratch directories and running TypeScript fixtures in child processes. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after } from "node:test";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const FIXTURES = join(REPO_ROOT, "test", "store", "fixtures");

/** A fresh directory removed when the test file finishes. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "shocklens-store-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts `node --import tsx fixtures/<name> ...args` in the repository root. */
export function startFixture(name: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return startTs(join(FIXTURES, name), args, env);
}

/** Starts `node --import tsx <file> ...args` in the repository root. */
export function startTs(file: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", file, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Collects a child's output until it exits. */
export function finished(child: ChildProcess): Promise<Finished> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runFixture(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return finished(startFixture(name, args, env));
}
