/**
 * The GEMM kernels against each other: the plain-TypeScript kernel against a naive triple loop,
 * and the WebAssembly-SIMD kernels (plain and relaxed-SIMD FMA builds, one and two threads) and —
 * where it is built — the native OpenBLAS addon against the plain kernel, on random shapes
 * including odd sizes, edge tiles, sizes across the packing blocks, every transpose flag and
 * offsets into larger buffers. Then the backend axis: backends selected by name and by
 * SHOCKLENS_GEMM (read at the first product, not at import), a forced backend that cannot load
 * is an error, and SHOCKLENS_WASM_RELAXED=0 switches the relaxed build off.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gemm as gemmPlain } from "../../src/core/kernels/matmul.ts";
import { WasmGemm } from "../../src/core/backends/gemm/wasmGemm.ts";
import { loadNativeBlas, type NativeBlas } from "../../src/core/backends/gemm/nativeBlas.ts";
import { findBuiltWasm } from "../../src/core/backends/locate.ts";
import { gemmBackends, useGemmBackend, gemmBackendName, setGemmThreads } from "../../src/core/backends/gemm/index.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { Tensor } from "../../src/core/tensor.ts";
import * as F from "../../src/core/ops/index.ts";
import { naiveGemm, randomArray, relDiff, wasmDir, ROOT } from "./helpers.ts";

type Shape = [number, number, number, boolean, boolean];

/** Random shapes: tiny, odd, edge tiles (not multiples of 4/8), and across KC = 256 / MC = 128. */
function shapes(seed: number, count: number, max: number): Shape[] {
  const rng = new FastNormal(seed);
  const pick = (hi: number) => 1 + Math.floor(rng.uniform() * hi);
  const out: Shape[] = [
    [1, 1, 1, false, false],
    [1, 7, 3, true, false],
    [5, 1, 9, false, true],
    [3, 3, 1, true, true],
    [4, 4, 4, false, false],
    [8, 8, 8, true, true],
    [13, 17, 19, false, true],
    [129, 5, 257, true, false],
    [130, 67, 300, false, false],
    [33, 260, 511, true, true],
    [2, 2100, 3, false, true],
  ];
  for (let i = 0; i < count; i++) out.push([pick(max), pick(max), pick(max), rng.uniform() < 0.5, rng.uniform() < 0.5]);
  return out;
}

function operands(rng: FastNormal, m: number, n: number, k: number) {
  const aOff = Math.floor(rng.uniform() * 5),
    bOff = Math.floor(rng.uniform() * 5);
  const a = randomArray(rng, aOff + m * k + 3),
    b = randomArray(rng, bOff + k * n + 2);
  return { a, b, aOff, bOff };
}

test("plain TypeScript GEMM equals the naive triple loop on random shapes and transposes", () => {
  const rng = new FastNormal(1);
  for (const [m, n, k, tA, tB] of shapes(2, 60, 70)) {
    const { a, b, aOff, bOff } = operands(rng, m, n, k);
    const cOff = 3;
    const c = new Float64Array(cOff + m * n + 2).fill(Number.NaN);
    gemmPlain(m, n, k, a, aOff, tA, b, bOff, tB, c, cOff);
    const want = naiveGemm(m, n, k, a, aOff, tA, b, bOff, tB);
    assert.ok(relDiff(c.subarray(cOff, cOff + m * n), want) < 1e-13, `[${m},${n},${k}] tA=${tA} tB=${tB}`);
    assert.ok(Number.isNaN(c[0]) && Number.isNaN(c[cOff + m * n]), "writes stay inside C");
  }
  // k = 0: C is zero.
  const c = new Float64Array(6).fill(7);
  gemmPlain(2, 3, 0, new Float64Array(0), 0, false, new Float64Array(0), 0, false, c, 0);
  assert.deepEqual([...c], [0, 0, 0, 0, 0, 0]);
});

test("WebAssembly SIMD dgemm equals the plain kernel (1 and 2 threads)", () => {
  const w = new WasmGemm(join(wasmDir(), "gemm.wasm"));
  try {
    const rng = new FastNormal(3);
    for (const threads of [1, 2]) {
      w.setThreads(threads);
      w.parallelMinFlops = threads > 1 ? 0 : w.parallelMinFlops; // split even small products
      for (const [m, n, k, tA, tB] of shapes(4 + threads, 40, 300)) {
        const { a, b, aOff, bOff } = operands(rng, m, n, k);
        const c = new Float64Array(m * n + 1).fill(Number.NaN);
        const ref = new Float64Array(m * n);
        w.dgemm(m, n, k, a, aOff, tA, b, bOff, tB, c, 1);
        gemmPlain(m, n, k, a, aOff, tA, b, bOff, tB, ref, 0);
        assert.ok(relDiff(c.subarray(1), ref) < 1e-12, `dgemm [${m},${n},${k}] tA=${tA} tB=${tB} threads=${threads}`);
        assert.ok(Number.isNaN(c[0]));
      }
    }
  } finally {
    w.close();
  }
});

/**
 * max over entries of |x − y| / Σ_p |a_ip||b_pj|: the error relative to what rounding can reach,
 * whatever the cancellation (an FMA rounds once where mul + add rounds twice).
 */
function errOverBound(x: ArrayLike<number>, y: ArrayLike<number>, bound: ArrayLike<number>): number {
  let e = 0;
  for (let i = 0; i < y.length; i++) e = Math.max(e, Math.abs(x[i] - y[i]) / Math.max(bound[i], Number.MIN_VALUE));
  return Number.isNaN(e) ? Infinity : e;
}

test("relaxed-SIMD (FMA) dgemm equals the plain kernel to rounding (1 and 2 threads)", (t) => {
  const path = join(wasmDir(), "gemm-relaxed.wasm");
  if (!existsSync(path)) {
    t.skip("gemm-relaxed.wasm was not built (the build skips it when relaxed SIMD does not compile)");
    return;
  }
  const w = new WasmGemm(path);
  try {
    assert.equal(w.relaxed, true);
    assert.equal(w.variant, "relaxed-simd FMA");
    const rng = new FastNormal(11);
    for (const threads of [1, 2]) {
      w.setThreads(threads);
      w.parallelMinFlops = threads > 1 ? 0 : w.parallelMinFlops;
      const all: Shape[] = [...shapes(12 + threads, 40, 300)];
      // Every transpose combination on tails in both directions, and k across KC twice.
      for (const tA of [false, true])
        for (const tB of [false, true]) all.push([67, 45, 29, tA, tB], [5, 3, 530, tA, tB], [130, 131, 7, tA, tB]);
      for (const [m, n, k, tA, tB] of all) {
        const { a, b, aOff, bOff } = operands(rng, m, n, k);
        const cOff = 2;
        const c = new Float64Array(cOff + m * n + 1).fill(Number.NaN);
        const ref = new Float64Array(m * n),
          bound = new Float64Array(m * n);
        w.dgemm(m, n, k, a, aOff, tA, b, bOff, tB, c, cOff);
        gemmPlain(m, n, k, a, aOff, tA, b, bOff, tB, ref, 0);
        gemmPlain(m, n, k, a.map(Math.abs), aOff, tA, b.map(Math.abs), bOff, tB, bound, 0);
        const label = `[${m},${n},${k}] tA=${tA} tB=${tB} threads=${threads}`;
        assert.ok(errOverBound(c.subarray(cOff, cOff + m * n), ref, bound) < 1e-13, `dgemm ${label}`);
        assert.ok(Number.isNaN(c[cOff - 1]) && Number.isNaN(c[cOff + m * n]), `writes stay inside C ${label}`);
      }
    }
  } finally {
    w.close();
  }
});

/** Runs a script in a fresh process (environment variables are read there at first use). */
function runScript(
  script: string,
  env: Record<string, string | undefined>,
): { status: number | null; stdout: string; stderr: string } {
  const e: Record<string, string | undefined> = { ...process.env };
  for (const k of ["SHOCKLENS_GEMM", "SHOCKLENS_WASM", "SHOCKLENS_WASM_RELAXED", "SHOCKLENS_THREADS"]) delete e[k];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) e[k] = v;
  return spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    env: e,
  });
}

test("auto prefers the relaxed-SIMD build over plain SIMD; SHOCKLENS_WASM_RELAXED=0 switches it off", (t) => {
  const plain = findBuiltWasm("gemm.wasm");
  if (plain === null || !existsSync(join(plain, "..", "gemm-relaxed.wasm"))) {
    t.skip("dist/wasm is not built with both GEMM modules");
    return;
  }
  const script = `
    import { gemmBackends, gemmInfo } from "./src/core/backends/gemm/index.ts";
    import * as F from "./src/core/ops/index.ts";
    import { Tensor } from "./src/core/tensor.ts";
    const auto = gemmBackends.report().backends.filter((b) => b.available).map((b) => b.name);
    const a = new Tensor(Float64Array.from({ length: 96 * 80 }, (_, i) => Math.sin(i)), [96, 80]);
    const y = F.matmul(a, a, { transB: true });
    let s = 0; for (const v of y.data) s += v;
    const relaxed = gemmBackends.report().backends.find((b) => b.name === "wasm-relaxed");
    process.stdout.write(JSON.stringify({ ...gemmInfo(), available: auto, relaxed, sum: s }));`;
  const run = (relaxed: string | undefined) => {
    const r = runScript(script, { SHOCKLENS_GEMM: "auto", SHOCKLENS_WASM_RELAXED: relaxed });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as {
      backend: string;
      detail: string;
      available: string[];
      relaxed: { detail: string };
      sum: number;
    };
  };
  const relaxed = run(undefined),
    off = run("0");
  if (!relaxed.available.includes("native-blas")) {
    assert.equal(relaxed.backend, "wasm-relaxed", relaxed.detail);
    assert.match(relaxed.detail, /^relaxed-simd FMA, .*gemm-relaxed\.wasm$/);
    assert.equal(off.backend, "wasm-simd");
    assert.match(off.detail, /^simd, .*gemm\.wasm$/);
  }
  assert.match(off.relaxed.detail, /switched off \(SHOCKLENS_WASM_RELAXED=0\)/);
  assert.ok(Math.abs(relaxed.sum - off.sum) <= 1e-12 * Math.abs(off.sum));
});

/** The native addon, or null after marking the test skipped where it is not built. */
function nativeOrSkip(t: { skip(message: string): void }): NativeBlas | null {
  try {
    return loadNativeBlas();
  } catch (e) {
    t.skip(`native BLAS not available: ${(e as Error).message}`);
    return null;
  }
}

test("native OpenBLAS dgemm equals the plain kernel (where the addon is built)", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(5);
  for (const [m, n, k, tA, tB] of shapes(6, 30, 200)) {
    const { a, b, aOff, bOff } = operands(rng, m, n, k);
    const c = new Float64Array(m * n),
      ref = new Float64Array(m * n);
    blas.dgemm(m, n, k, a, aOff, tA, b, bOff, tB, c, 0);
    gemmPlain(m, n, k, a, aOff, tA, b, bOff, tB, ref, 0);
    assert.ok(relDiff(c, ref) < 1e-12, `dgemm [${m},${n},${k}] tA=${tA} tB=${tB}`);
  }
  // Views with a byteOffset (tensor data carved from a slab) are addressed correctly.
  const big = randomArray(rng, 64);
  const a = big.subarray(5, 5 + 12),
    b = big.subarray(20, 20 + 12),
    c = new Float64Array(9);
  blas.dgemm(3, 3, 4, a, 0, false, b, 0, true, c, 0);
  assert.ok(relDiff(c, naiveGemm(3, 3, 4, a, 0, false, b, 0, true)) < 1e-14);
  assert.throws(
    () => blas.dgemm(4, 4, 4, new Float64Array(3), 0, false, new Float64Array(16), 0, false, new Float64Array(16), 0),
    /too short/,
  );
});

test("native OpenBLAS at 2 threads: same bits run to run, 1-thread values to rounding (docs/performance.md §threads-and-malloc)", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const before = blas.getThreads();
  try {
    const rng = new FastNormal(17);
    for (const [m, n, k, tA, tB] of [
      [256, 300, 500, false, true],
      [400, 10, 300, true, false],
    ] as Shape[]) {
      const { a, b, aOff, bOff } = operands(rng, m, n, k);
      const run = (threads: number) => {
        blas.setThreads(threads);
        const c = new Float64Array(m * n);
        blas.dgemm(m, n, k, a, aOff, tA, b, bOff, tB, c, 0);
        return c;
      };
      const one = run(1),
        two = run(2),
        again = run(2);
      assert.deepEqual(again, two, `[${m},${n},${k}]: two 2-thread runs differ`);
      assert.ok(relDiff(two, one) < 1e-12, `[${m},${n},${k}]: 2 threads vs 1`);
    }
  } finally {
    blas.setThreads(before);
  }
});

test("matmul gives the same values on every available backend; names select backends", () => {
  const before = gemmBackendName();
  const rng = new FastNormal(7);
  const A = new Tensor(randomArray(rng, 3 * 70 * 90), [3, 70, 90]);
  const B = new Tensor(randomArray(rng, 90 * 41), [41, 90]);
  const results: Float64Array[] = [];
  try {
    for (const name of gemmBackends.names()) {
      try {
        useGemmBackend(name);
      } catch {
        assert.notEqual(name, "typescript");
        continue;
      }
      assert.equal(gemmBackendName(), name);
      for (const threads of [1, 2]) {
        setGemmThreads(threads);
        results.push(F.matmul(A, B, { transB: true }).data.slice());
      }
    }
  } finally {
    setGemmThreads(1);
    useGemmBackend(before);
  }
  assert.ok(results.length >= 2);
  for (const r of results.slice(1)) assert.ok(relDiff(r, results[0]) < 1e-12);
  assert.throws(() => useGemmBackend("no-such"), /unknown GEMM backend "no-such" \(expected auto, native-blas, /);
});

test("SHOCKLENS_GEMM is read at the first product; a forced backend that cannot load is an error, not a fallback", () => {
  const script = `
    import { gemmBackends, gemmInfo } from "./src/core/backends/gemm/index.ts";
    import * as F from "./src/core/ops/index.ts";
    import { Tensor } from "./src/core/tensor.ts";
    const selectedAtImport = gemmBackends.selected;
    process.env.SHOCKLENS_GEMM = process.env.LATE_GEMM ?? process.env.SHOCKLENS_GEMM;
    const a = new Tensor(Float64Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i)), [64, 48]);
    try {
      const y = F.matmul(a, a, { transB: true });
      let s = 0; for (const v of y.data) s += v;
      process.stdout.write(JSON.stringify({ selectedAtImport, backend: gemmInfo().backend, sum: s }));
    } catch (e) {
      process.stdout.write(JSON.stringify({ selectedAtImport, error: e.name + ": " + e.message }));
    }`;
  const run = (env: Record<string, string>) => {
    const r = runScript(script, env);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { selectedAtImport: boolean; backend?: string; sum?: number; error?: string };
  };
  // Set after the import, before the first product: still honoured (nothing happens at import).
  const forced = run({ LATE_GEMM: "typescript" });
  assert.equal(forced.selectedAtImport, false);
  assert.equal(forced.backend, "typescript");
  const auto = run({ SHOCKLENS_GEMM: "auto" });
  if (findBuiltWasm("gemm.wasm")) assert.notEqual(auto.backend, "typescript", "a faster backend is built here");
  assert.ok(Math.abs(auto.sum! - forced.sum!) <= 1e-10 * Math.abs(forced.sum!));
  const missing = run({ SHOCKLENS_GEMM: "wasm-simd", SHOCKLENS_WASM: "/nonexistent/gemm.wasm" });
  assert.equal(
    missing.error,
    "BackendUnavailableError: SHOCKLENS_GEMM=wasm-simd: GEMM backend wasm-simd is not available: " +
      "SHOCKLENS_WASM names /nonexistent/gemm.wasm, which does not exist",
  );
  const unknown = run({ SHOCKLENS_GEMM: "cuda" });
  assert.match(
    unknown.error!,
    /^InputError: SHOCKLENS_GEMM: unknown GEMM backend "cuda" \(expected auto, native-blas, wasm-relaxed, wasm-simd, typescript\)$/,
  );
  const threads = run({ SHOCKLENS_GEMM: "typescript", SHOCKLENS_THREADS: "many" });
  assert.match(threads.error!, /^InputError: SHOCKLENS_THREADS: expected an integer in \[1, 1024\], got "many"$/);
});
