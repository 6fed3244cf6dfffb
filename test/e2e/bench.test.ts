/**
 * `npm run bench` as a user runs it (a child process, with a tiny time budget): well-formed results
 * with and without a reference, ratios against the C reference where it can be built. Functional
 * only: nothing here is timed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { referenceDir } from "../../bench/reference.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

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
  vs_eager?: number;
  vs_eager_rounds?: number[];
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

test("a compiled line times its eager line in every round and reports the speed-up over it", () => {
  const r = bench(["--json", "--only", "sgld-inner-compiled", "--rounds", "2", "--min-time", "0.02", "--reps", "2"], {
    SHOCKLENS_BENCH_REF: "/nonexistent",
  });
  assert.equal(r.code, 0, r.stderr);
  const [l] = r.lines;
  assert.equal(l.workload, "sgld-inner-compiled");
  assert.ok(l.check_ok);
  assert.equal(l.vs_eager_rounds?.length, 2);
  assert.ok(l.vs_eager !== undefined && l.vs_eager > 0);
});

test("npm run bench against the C reference reports a ratio per reference with matching checksums", (t) => {
  const dir = referenceDir();
  if (dir === null || !existsSync(join(dir, "pde_reference.c"))) {
    t.skip("the reference scripts are not in bench/reference");
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
