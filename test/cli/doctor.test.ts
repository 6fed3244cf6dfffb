/** `shocklens doctor` names the build of the WebAssembly GEMM in use, and SHOCKLENS_WASM_RELAXED=0 switches it. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { findWasm } from "../../src/core/kernels/wasm/wasmGemm.ts";
import { runCli } from "./helpers.ts";

test("doctor reports wasm-simd (relaxed-simd FMA), or plain wasm-simd under SHOCKLENS_WASM_RELAXED=0", (t) => {
  const plain = findWasm();
  if (plain === null || !existsSync(join(plain, "..", "gemm-relaxed.wasm"))) {
    t.skip("dist/wasm is not built with both GEMM modules");
    return;
  }
  const relaxed = runCli(["doctor", "--gemm", "wasm-simd"], { env: { SHOCKLENS_WASM_RELAXED: "1" } });
  assert.equal(relaxed.code, 0, relaxed.stderr);
  assert.match(relaxed.stdout, /^GEMM backend +wasm-simd \(relaxed-simd FMA\) \(/m);
  assert.match(relaxed.stdout, /^wasm SIMD GEMM yes relaxed-simd FMA, .*gemm-relaxed\.wasm$/m);

  const forced = runCli(["doctor", "--gemm", "wasm-simd", "--json"], { env: { SHOCKLENS_WASM_RELAXED: "0" } });
  assert.equal(forced.code, 0, forced.stderr);
  const report = JSON.parse(forced.stdout) as {
    gemm: string;
    wasmSimd: { variant: string; detail: string };
    environment: Record<string, string | null>;
  };
  assert.equal(report.gemm, "wasm-simd");
  assert.equal(report.wasmSimd.variant, "simd");
  assert.match(report.wasmSimd.detail, /SHOCKLENS_WASM_RELAXED=0/);
  assert.equal(report.environment.SHOCKLENS_WASM_RELAXED, "0");
});
