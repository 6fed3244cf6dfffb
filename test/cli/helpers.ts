/** Runs the CLI in a child process, as a user would, and captures its output and exit code. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface CliResult { code: number; stdout: string; stderr: string }

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/bin.ts"), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(prefix = "shocklens-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Runs the CLI and asserts a usage/input error: exit code 2, nothing on stdout, exactly one line
 * on stderr matching `pattern`, no stack trace. `prefixed` also requires the `shocklens: ` prefix
 * (every error but commander's own option errors carries it).
 */
export function expectUsageError(args: string[], pattern: RegExp, opts: { prefixed?: boolean } = {}): CliResult {
  const r = runCli(args);
  assert.equal(r.code, 2, `exit code for ${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stdout, "", `nothing on stdout for ${args.join(" ")}`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  if (opts.prefixed) assert.match(r.stderr, /^shocklens: [^\n]+\n$/);
  assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, "no stack trace");
  return r;
}
