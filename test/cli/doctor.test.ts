/**
 * `shocklens doctor` reports through the backend registry: every GEMM and PDE stencil backend,
 * whether it loads, the active one and how it was selected; SHOCKLENS_WASM_RELAXED=0 switches the
 * relaxed-SIMD build off, and a forced backend that cannot load stops other commands with exit 2.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findBuiltWasm } from "../../src/core/backends/locate.ts";
import { runCli } from "./helpers.ts";

interface AxisReport {
  axis: string;
  active: string | null;
  selectedBy: string;
  backends: { name: string; available: boolean; active: boolean; detail: string }[];
}

test("doctor lists the backends of both axes; wasm-relaxed is the FMA build, switched off by SHOCKLENS_WASM_RELAXED=0", (t) => {
  const plain = findBuiltWasm("gemm.wasm");
  if (plain === null || !existsSync(join(plain, "..", "gemm-relaxed.wasm"))) {
    t.skip("dist/wasm is not built with both GEMM modules");
    return;
  }
  const relaxed = runCli(["doctor", "--gemm", "wasm-relaxed"], { env: { SHOCKLENS_WASM_RELAXED: "1" } });
  assert.equal(relaxed.code, 0, relaxed.stderr);
  assert.match(relaxed.stdout, /^GEMM backend +wasm-relaxed \(useBackend\)$/m);
  assert.match(relaxed.stdout, /^ {2}wasm-relaxed +active relaxed-simd FMA, .*gemm-relaxed\.wasm$/m);
  assert.match(relaxed.stdout, /^ {2}typescript +yes /m);
  assert.match(relaxed.stdout, /^PDE stencil backend +(wasm-simd|typescript) \(auto\)$/m);

  const forced = runCli(["doctor", "--json"], { env: { SHOCKLENS_WASM_RELAXED: "0", SHOCKLENS_GEMM: "wasm-simd" } });
  assert.equal(forced.code, 0, forced.stderr);
  const report = JSON.parse(forced.stdout) as {
    gemm: string;
    skipZeros: { active: boolean; detail: string };
    backends: AxisReport[];
    environment: Record<string, string | null>;
  };
  assert.equal(report.gemm, "wasm-simd");
  assert.deepEqual(report.skipZeros, { active: false, detail: "not with the wasm-simd backend" });
  const gemm = report.backends.find((a) => a.axis === "gemm")!;
  assert.deepEqual(
    gemm.backends.map((b) => b.name),
    ["native-blas", "wasm-relaxed", "wasm-simd", "typescript"],
  );
  assert.equal(gemm.selectedBy, "SHOCKLENS_GEMM=wasm-simd");
  const r = gemm.backends.find((b) => b.name === "wasm-relaxed")!;
  assert.equal(r.available, false);
  assert.match(r.detail, /switched off \(SHOCKLENS_WASM_RELAXED=0\)/);
  assert.match(gemm.backends.find((b) => b.name === "wasm-simd")!.detail, /^simd, .*gemm\.wasm$/);
  assert.deepEqual(
    report.backends.find((a) => a.axis === "stencils")!.backends.map((b) => b.name),
    ["wasm-simd", "typescript"],
  );
  assert.equal(report.environment.SHOCKLENS_WASM_RELAXED, "0");
  // every module switch is reported, set or not (docs/performance.md §sgld-wasm-kernels)
  for (const v of ["SHOCKLENS_WASM_TANH", "SHOCKLENS_WASM_THIN", "SHOCKLENS_WASM_LANGEVIN"]) {
    assert.ok(v in report.environment, `doctor --json lists ${v}`);
  }
});

test("a forced GEMM backend that cannot load: one line and exit 2 before the command starts", () => {
  const r = runCli(["pde", "burgers", "--ic", "sine", "--cells", "16", "--t", "0.1"], {
    env: { SHOCKLENS_GEMM: "wasm-simd", SHOCKLENS_WASM: "/nonexistent/gemm.wasm" },
  });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    "shocklens: SHOCKLENS_GEMM=wasm-simd: GEMM backend wasm-simd is not available: " +
      "SHOCKLENS_WASM names /nonexistent/gemm.wasm, which does not exist\n",
  );
  const bad = runCli(["doctor", "--gemm", "cuda"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^shocklens: --gemm: expected one of auto, native-blas, wasm-relaxed, wasm-simd, typescript, got "cuda"\n$/,
  );
});
