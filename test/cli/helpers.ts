/**
 * Runs the CLI and captures its output and exit code: in this process through the exported `main()`
 * (`runCliInProcess`, `expectUsageError`: milliseconds per call) or, for the few tests that need a real
 * process (signals, process start-up, the installed command), in a child process (`runCli`).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Serializer } from "node:v8";

const ROOT = new URL("../../", import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliResult {
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
 * Runs the CLI (in-process) and asserts a usage/input error: exit code 2, nothing on stdout, exactly
 * one line on stderr matching `pattern`, no stack trace. `prefixed` also requires the `shocklens: `
 * prefix (every error but commander's own option errors carries it).
 */
export async function expectUsageError(
  args: string[],
  pattern: RegExp,
  opts: { prefixed?: boolean; cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  const r = await runCliInProcess(args, { cwd: opts.cwd, env: opts.env });
  assert.equal(r.code, 2, `exit code for ${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stdout, "", `nothing on stdout for ${args.join(" ")}`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line expected, got: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  if (opts.prefixed) assert.match(r.stderr, /^shocklens: [^\n]+\n$/);
  assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, "no stack trace");
  return r;
}

/**
 * Runs the CLI inside this test process through the exported `main(argv)`: the same code path
 * as the installed command minus process start-up and the TypeScript loader, so a CLI test costs
 * milliseconds instead of seconds. stdout and stderr are captured; `cwd` and `env` are applied for
 * the call only and restored afterwards. Tests that need a real process (signals, exit codes set
 * by the runtime, concurrent writers) keep using `runCli`.
 */
export async function runCliInProcess(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  const { main } = await import("../../src/cli/main.ts");
  let stdout = "";
  let stderr = "";
  const writeOut = process.stdout.write;
  const writeErr = process.stderr.write;
  const capture =
    (append: (s: string) => void, original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    (chunk: string | Uint8Array, encOrCb?: unknown, cb?: unknown): boolean => {
      // The test runner reports this file's results to its parent over stdout, as v8-serialized
      // frames, and may flush one while the command runs: those go through untouched.
      if (typeof chunk !== "string" && isRunnerFrame(chunk))
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, encOrCb, cb);
      append(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
      const done = typeof encOrCb === "function" ? encOrCb : cb;
      if (typeof done === "function") (done as () => void)();
      return true;
    };
  const cwd = process.cwd();
  const env: Record<string, string | undefined> = { NO_COLOR: "1", ...opts.env };
  const savedEnv = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const setEnv = (vars: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(vars)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  process.stdout.write = capture((s) => (stdout += s), writeOut, process.stdout) as typeof process.stdout.write;
  process.stderr.write = capture((s) => (stderr += s), writeErr, process.stderr) as typeof process.stderr.write;
  setEnv(env);
  const exitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    if (opts.cwd) process.chdir(opts.cwd);
    const code = await main([process.execPath, "shocklens", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    process.chdir(cwd);
    setEnv(savedEnv);
    process.exitCode = exitCode;
  }
}

/**
 * Runs a `--json` command in process and returns its parsed output (untyped, like the command-line
 * output it reads), after checking it exited 0 and wrote exactly one line on stdout.
 */
export async function runCliJson(args: string[]) {
  const r = await runCliInProcess(args);
  assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `${args.join(" ")}: one JSON object on stdout, got: ${r.stdout.slice(0, 400)}`);
  return JSON.parse(lines[0]);
}

/** The header v8.Serializer writes at the start of every frame the test runner sends to its parent. */
const RUNNER_FRAME_HEADER = (() => {
  const s = new Serializer();
  s.writeHeader();
  return s.releaseBuffer();
})();

function isRunnerFrame(chunk: Uint8Array): boolean {
  if (chunk.length < RUNNER_FRAME_HEADER.length) return false;
  return RUNNER_FRAME_HEADER.every((b, i) => chunk[i] === b);
}
