/**
 * The benchmark workloads and runner: every workload's check values reproduce the references'
 * (workloads.md §5/§6) — including the timed forms added for the bench (the SGLD loop, AdamW
 * transformer steps, the per-sample loop with reused buffers) — and `npm run bench` runs and
 * prints well-formed results with and without a reference (these are functional tests: nothing
 * here is timed).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { existsSync } from "node:fs";
import * as W from "../../bench/workloads.ts";
import { CASES, REFERENCE_CHECKS, target } from "../../bench/suite.ts";
import { sharedBenchDir } from "../../bench/reference.ts";
import { assertClose } from "../core/helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function expectCheck(name: string, got: number[]): void {
  const want = REFERENCE_CHECKS[name];
  assert.equal(got.length, want.length, name);
  got.forEach((g, i) => assertClose(g, want[i], 1e-9, `${name} check[${i}]`));
}

test("timed workload forms reproduce the reference checks (SGLD loop, AdamW steps, per-sample loop)", () => {
  expectCheck("sgld-inner", W.sgldInner().check());
  expectCheck("transformer-step", W.transformerStep().check());
  expectCheck("persample-medium-loop", W.persampleMediumLoop().check());
  expectCheck("tiny-grad", W.tinyGrad().check());
  // The noisy SGLD loop runs and moves away from the noiseless one only by the noise.
  const { y } = W.sgldInner().run();
  assert.ok(Number.isFinite(W.sumSq(y)));
});

test("the suite covers every workload of workloads.md with its unit, and the issue's targets", () => {
  // The workloads, in their order.
  const names = "tiny-grad mlp-small-step mlp-medium-step mlp-medium-hvp persample-medium-loop persample-medium-vmap";
  assert.deepEqual(
    CASES.map((c) => c.name),
    [...names.split(" "), "transformer-step", "sgld-inner", "burgers-muscl", "burgers-weno5", "heat2d"],
  );
  assert.equal(target("tiny-grad", "torch-1.13-cpu", "wasm-simd"), 10);
  assert.equal(target("mlp-small-step", "torch-1.13-cpu", "native-blas"), 1.5);
  assert.equal(target("mlp-small-step", "torch-1.13-cpu", "wasm-simd"), 0.7);
  assert.equal(target("transformer-step", "torch-1.13-cpu", "wasm-simd"), 0.5);
  assert.equal(target("burgers-weno5", "numpy-1.24", "native-blas"), 2);
  assert.equal(target("heat2d", "c-O2", "wasm-simd"), 0.5);
  assert.equal(target("heat2d", "c-O3", "wasm-simd"), null);
});

interface BenchLine {
  workload: string;
  impl: string;
  value: number;
  unit: string;
  reference: { impl: string; value: number } | null;
  ratio: number | null;
  check_ok: boolean;
  note?: string;
  target: number | null;
  met: boolean | null;
}

function bench(
  args: string[],
  env: Record<string, string> = {},
): { code: number; lines: BenchLine[]; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "bench/run.ts"), "--min-time", "0.01", "--reps", "1", "--rounds", "1", ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: 300_000,
    },
  );
  const lines = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as BenchLine);
  return { code: r.status ?? -1, lines, stdout: r.stdout, stderr: r.stderr };
}

test("npm run bench without the references prints its own figures and says the reference is missing", () => {
  const r = bench(["--json", "--only", "tiny-grad,burgers-muscl"], { SHOCKLENS_BENCH_REF: "/nonexistent" });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    r.lines.map((l) => l.workload),
    ["tiny-grad", "burgers-muscl"],
  );
  for (const l of r.lines) {
    assert.equal(l.impl, "shocklens");
    assert.ok(l.value > 0 && Number.isFinite(l.value));
    assert.equal(l.reference, null);
    assert.equal(l.ratio, null);
    assert.ok(l.check_ok);
    assert.match(l.note ?? "", /reference missing/);
  }
  assert.equal(r.lines[0].unit, "us/eval");
  assert.equal(r.lines[1].unit, "ns/cell/step");
  // The table form says so too.
  const t = bench(["--only", "tiny-grad"], { SHOCKLENS_BENCH_REF: "/nonexistent" });
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /reference missing/);
  assert.match(t.stdout, /ratio = reference time \/ shocklens time/);
  assert.match(t.stdout, /tiny-grad\s+us\/eval/);
});

test("npm run bench against the C reference reports a ratio per reference with matching checksums", (t) => {
  const dir = sharedBenchDir();
  if (dir === null || !existsSync(join(dir, "pde_reference.c"))) {
    t.skip("the shared benchmark folder is not next to the repository");
    return;
  }
  const gcc = spawnSync("gcc", ["--version"]);
  if (gcc.status !== 0) {
    t.skip("gcc is not installed");
    return;
  }
  const r = bench(["--json", "--only", "burgers-muscl"]);
  assert.equal(r.code, 0, r.stderr);
  const byImpl = new Map(r.lines.map((l) => [l.reference?.impl ?? "none", l]));
  const c = byImpl.get("c-O2");
  assert.ok(c, `a line against c-O2: ${r.stdout}`);
  assert.ok(c.ratio !== null && c.ratio > 0);
  assert.ok(Math.abs(c.ratio - c.reference!.value / c.value) <= 0.02 * c.ratio);
  assert.equal(c.target, 0.9);
  assert.equal(typeof c.met, "boolean");
  for (const l of r.lines) assert.ok(l.check_ok);
});
