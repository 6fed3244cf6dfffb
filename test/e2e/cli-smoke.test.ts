/**
 * Smoke tests of the real command: one child process per command family (train, runs, eval,
 * quotient, entropy, pde) through the source entry point, and the installed `bin/shocklens.js` (the
 * compiled dist/). Behaviour in detail is tested in-process through main() under test/cli and the
 * area folders; these check what only a process shows: start-up, exit codes set by the entry point,
 * output flushed before exit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { key, split, normal } from "../../src/core/random.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import { saveTree } from "../../src/nn/files.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { tempDir, type CliResult } from "../cli/helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SOURCE_BIN = ["--import", "tsx", join(ROOT, "src/cli/bin.ts")];
const INSTALLED_BIN = [join(ROOT, "bin/shocklens.js")];

/** Runs `node ...entry ...args` without blocking, so several commands can run side by side. */
function run(entry: string[], args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Exactly one JSON object on stdout, exit code 0. */
function oneJson(r: CliResult, what: string): Record<string, unknown> {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  assert.equal(lines.length, 1, `${what}: one line on stdout, got ${r.stdout}`);
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

const dir = tempDir();
const p = (f: string) => join(dir, f);
const rawCfg = { arch: "mlp", sizes: [2, 3, 2], activation: "tanh" };
const model = modelOf(parseModelConfig(rawCfg));
const [kp, kx] = split(key(23), 2);
writeFileSync(p("model.json"), JSON.stringify(rawCfg));
saveTree(p("w.safetensors"), model.init(kp));
writeSafetensors(p("data.safetensors"), {
  x: { dtype: "F64", shape: [8, 2], data: normal(kx, [8, 2]).data },
  y: { dtype: "I64", shape: [8], data: BigInt64Array.from([0, 1, 1, 0, 1, 0, 0, 1].map(BigInt)) },
});
writeFileSync(
  p("run.json"),
  JSON.stringify({
    seed: 1,
    model: rawCfg,
    data: { name: "two-moons", n: 64 },
    optimizer: { name: "sgd", lr: 0.1 },
    steps: 10,
    batchSize: 8,
  }),
);
const files = ["--model", p("model.json"), "--weights", p("w.safetensors")];

test("every command family runs as a process: exit 0 with one JSON object, or exit 2 with one line", async () => {
  const [train, runs, evalR, quotient, entropy, pde] = await Promise.all([
    run(SOURCE_BIN, ["train", "--config", p("run.json"), "--store", p("s.db"), "--json", "--quiet"]),
    run(SOURCE_BIN, ["runs", "show", "zzz", "--store", p("none.db")]),
    run(SOURCE_BIN, ["eval", ...files, "--data", p("data.safetensors"), "--json"]),
    run(SOURCE_BIN, ["quotient", ...files, "--json"]),
    run(SOURCE_BIN, [
      "entropy",
      ...files,
      "--data",
      p("data.safetensors"),
      "--t",
      "0.5",
      "--beta",
      "4",
      "--method",
      "importance",
      "--samples",
      "256",
      "--json",
    ]),
    run(SOURCE_BIN, ["pde", "burgers", "--ic", "sine", "--cells", "100", "--t", "1.5", "--json"]),
  ]);
  const t = oneJson(train, "train");
  assert.equal(t.status, "FINISHED");
  assert.equal(t.step, 10);
  assert.equal(runs.code, 2);
  assert.equal(runs.stdout, "");
  assert.equal(runs.stderr, `shocklens: no run "zzz" in store ${p("none.db")}\n`);
  assert.ok(Number.isFinite(oneJson(evalR, "eval").loss));
  assert.match((oneJson(quotient, "quotient").group as { name: string }).name, /^mlp\[tanh\]: permutation/);
  assert.equal(oneJson(entropy, "entropy").method, "importance");
  assert.equal((oneJson(pde, "pde").shocks as unknown[]).length, 1);
});

test("the installed command (bin/shocklens.js, compiled dist/) runs and reports bad usage with exit 2", async (t) => {
  if (!existsSync(join(ROOT, "dist/cli/bin.js"))) {
    t.skip("dist/ is not built (npm run build)");
    return;
  }
  const [version, pde, bad] = await Promise.all([
    run(INSTALLED_BIN, ["--version"]),
    run(INSTALLED_BIN, [
      "pde",
      "hj",
      "--ic",
      "doublewell",
      "--domain",
      "-2,2",
      "--bc",
      "outflow",
      "--t",
      "1",
      "--json",
    ]),
    run(INSTALLED_BIN, ["pde", "burgers", "--ic", "tent", "--t", "1"]),
  ]);
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout.trim(), JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  assert.equal(oneJson(pde, "pde hj").scheme, "godunov");
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, "");
  assert.match(bad.stderr, /^shocklens: [^\n]*ic: expected one of [^\n]*\n$/);
});
