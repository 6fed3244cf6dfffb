/**
 * The GEMM kernels against each other: the plain-TypeScript kernel against a naive triple loop,
 * and the WebAssembly-SIMD kernels (plain and relaxed-SIMD FMA builds, f64 and f32, one and two
 * threads) and — where it is built — the native OpenBLAS addon against the plain kernel, on random
 * shapes including odd sizes, edge tiles, sizes across the packing blocks, every transpose flag
 * and offsets into larger buffers. Then the dispatch: backends selected by name and by
 * SHOCKLENS_GEMM, the fallback forced, and the WebAssembly build chosen by SHOCKLENS_WASM_RELAXED.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { gemm as gemmPlain, sgemm as sgemmPlain } from "../../src/core/kernels/matmul.ts";
import { WasmGemm, findWasm } from "../../src/core/kernels/wasm/wasmGemm.ts";
import { loadNativeBlas, nativeBlasReason } from "../../src/core/kernels/native.ts";
import { gemmInfo, useGemmBackend, gemmBackendName, setGemmThreads } from "../../src/core/kernels/gemmDispatch.ts";
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

test("WebAssembly SIMD dgemm / sgemm equal the plain kernel (1 and 2 threads)", () => {
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
        const af = Float32Array.from(a),
          bf = Float32Array.from(b);
        const cf = new Float32Array(m * n),
          reff = new Float32Array(m * n);
        w.sgemm(m, n, k, af, aOff, tA, bf, bOff, tB, cf, 0);
        sgemmPlain(m, n, k, af, aOff, tA, bf, bOff, tB, reff, 0);
        assert.ok(
          relDiff(cf, reff) < 2e-5 * Math.sqrt(k),
          `sgemm [${m},${n},${k}] tA=${tA} tB=${tB} threads=${threads}`,
        );
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

test("relaxed-SIMD (FMA) dgemm / sgemm equal the plain kernel to rounding (1 and 2 threads)", (t) => {
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
        const af = Float32Array.from(a),
          bf = Float32Array.from(b);
        const cf = new Float32Array(m * n),
          reff = new Float32Array(m * n);
        w.sgemm(m, n, k, af, aOff, tA, bf, bOff, tB, cf, 0);
        sgemmPlain(m, n, k, af, aOff, tA, bf, bOff, tB, reff, 0);
        assert.ok(errOverBound(cf, reff, bound) < 1e-5, `sgemm ${label}`);
      }
    }
  } finally {
    w.close();
  }
});

test("the relaxed-SIMD build is preferred when built; SHOCKLENS_WASM_RELAXED=0 gives the plain one", (t) => {
  const plain = findWasm();
  if (plain === null || !existsSync(join(plain, "..", "gemm-relaxed.wasm"))) {
    t.skip("dist/wasm is not built with both GEMM modules");
    return;
  }
  const script = `
    import { gemmInfo, useGemmBackend } from "./src/core/kernels/gemmDispatch.ts";
    import * as F from "./src/core/ops/index.ts";
    import { Tensor } from "./src/core/tensor.ts";
    useGemmBackend("wasm-simd");
    const a = new Tensor(Float64Array.from({ length: 96 * 80 }, (_, i) => Math.sin(i)), [96, 80]);
    const y = F.matmul(a, a, { transB: true });
    let s = 0; for (const v of y.data) s += v;
    process.stdout.write(JSON.stringify({ ...gemmInfo().wasmSimd, sum: s }));`;
  const run = (relaxed: string | undefined) => {
    const env: Record<string, string | undefined> = { ...process.env, SHOCKLENS_WASM_RELAXED: relaxed };
    delete env.SHOCKLENS_WASM;
    if (relaxed === undefined) delete env.SHOCKLENS_WASM_RELAXED;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env,
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { variant: string; detail: string; sum: number };
  };
  const relaxed = run(undefined),
    forced = run("0");
  assert.equal(relaxed.variant, "relaxed-simd FMA", relaxed.detail);
  assert.match(relaxed.detail, /gemm-relaxed\.wasm/);
  assert.equal(forced.variant, "simd");
  assert.match(forced.detail, /gemm\.wasm \(relaxed SIMD: off \(SHOCKLENS_WASM_RELAXED=0\)\)/);
  assert.ok(Math.abs(relaxed.sum - forced.sum) <= 1e-12 * Math.abs(forced.sum));
});

test("native OpenBLAS dgemm / sgemm equal the plain kernel (where the addon is built)", (t) => {
  const blas = loadNativeBlas();
  if (!blas) {
    t.skip(`native BLAS not available: ${nativeBlasReason()}`);
    return;
  }
  const rng = new FastNormal(5);
  for (const [m, n, k, tA, tB] of shapes(6, 30, 200)) {
    const { a, b, aOff, bOff } = operands(rng, m, n, k);
    const c = new Float64Array(m * n),
      ref = new Float64Array(m * n);
    blas.dgemm(m, n, k, a, aOff, tA, b, bOff, tB, c, 0);
    gemmPlain(m, n, k, a, aOff, tA, b, bOff, tB, ref, 0);
    assert.ok(relDiff(c, ref) < 1e-12, `dgemm [${m},${n},${k}] tA=${tA} tB=${tB}`);
    const af = Float32Array.from(a),
      bf = Float32Array.from(b),
      cf = new Float32Array(m * n),
      reff = new Float32Array(m * n);
    blas.sgemm(m, n, k, af, aOff, tA, bf, bOff, tB, cf, 0);
    sgemmPlain(m, n, k, af, aOff, tA, bf, bOff, tB, reff, 0);
    assert.ok(relDiff(cf, reff) < 2e-5 * Math.sqrt(k), `sgemm [${m},${n},${k}]`);
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

test("matmul gives the same values on every available backend; names select backends", () => {
  const before = gemmBackendName();
  const rng = new FastNormal(7);
  const A = new Tensor(randomArray(rng, 3 * 70 * 90), [3, 70, 90]);
  const B = new Tensor(randomArray(rng, 90 * 41), [41, 90]);
  const results: Float64Array[] = [];
  try {
    for (const name of ["typescript", "wasm-simd", "native-blas"] as const) {
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
    useGemmBackend(before as "typescript");
  }
  assert.ok(results.length >= 2);
  for (const r of results.slice(1)) assert.ok(relDiff(r, results[0]) < 1e-12);
  assert.throws(() => useGemmBackend("no-such" as "typescript"), /not available/);
});

test("SHOCKLENS_GEMM forces a backend; with typescript the fallback runs and gives the same numbers", () => {
  const script = `
    import { gemmInfo } from "./src/core/kernels/gemmDispatch.ts";
    import * as F from "./src/core/ops/index.ts";
    import { Tensor } from "./src/core/tensor.ts";
    const a = new Tensor(Float64Array.from({ length: 64 * 48 }, (_, i) => Math.sin(i)), [64, 48]);
    const y = F.matmul(a, a, { transB: true });
    let s = 0; for (const v of y.data) s += v;
    process.stdout.write(JSON.stringify({ backend: gemmInfo().backend, sum: s }));`;
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...env },
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { backend: string; sum: number };
  };
  const forced = run({ SHOCKLENS_GEMM: "typescript" });
  assert.equal(forced.backend, "typescript");
  const auto = run({ SHOCKLENS_GEMM: "auto" });
  assert.notEqual(auto.backend, "", "a backend is active");
  assert.ok(Math.abs(auto.sum - forced.sum) <= 1e-10 * Math.abs(forced.sum));
  // A backend that cannot load falls back to the best available one instead of failing.
  const missing = run({ SHOCKLENS_GEMM: "wasm-simd", SHOCKLENS_WASM: "/nonexistent/gemm.wasm" });
  assert.ok(["native-blas", "typescript"].includes(missing.backend), missing.backend);
  assert.ok(Math.abs(missing.sum - forced.sum) <= 1e-10 * Math.abs(forced.sum));
  assert.ok(gemmInfo().wasmSimd.available || gemmInfo().backend !== "wasm-simd");
});
