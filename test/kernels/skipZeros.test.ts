/**
 * The weight gradient that skips relu's zeros (docs/performance.md §skipping-relu-zeros,
 * native/blas/src/sparse.c): Aᵀ·B with the terms of A's zeros left out.
 *
 * - Independently of OpenBLAS: every element is within the rounding bound of a k-term sum of the
 *   exact products (the plain TypeScript kernel as the reference), on every block width and tail.
 * - Against OpenBLAS: wherever the shape's probe matched, the result is dgemm's, bit for bit, on
 *   relu-like operands (zeros, ±0, NaN in A, subnormals, wide magnitudes), at offsets.
 * - It declines (dgemm runs instead) for dense A, for B with ∞ or NaN, and for very long k; and
 *   the dispatch `gemmTransASkippingZeros` gives gemmDispatch's bits at one and at two threads.
 */
import { test } from "node:test";
import { runInThisContext } from "node:vm";
import assert from "node:assert/strict";
import {
  gemmBackendName,
  gemmDispatch,
  gemmInfo,
  gemmTransASkippingZeros,
  setGemmThreads,
  useGemmBackend,
} from "../../src/core/backends/gemm/index.ts";
import { gemm as gemmPlain } from "../../src/core/kernels/matmul.ts";
import { matmul } from "../../src/core/ops/matmul.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { assertSame, nativeOrSkip } from "./streamHelpers.ts";

/** A (k × m) with about `density` of it nonzero (−0 among the zeros, now and then NaN or a subnormal), inside a buffer at `off`. */
function sparse(rng: FastNormal, k: number, m: number, density: number, off: number): Float64Array {
  const buf = new Float64Array(off + k * m + 2);
  for (let i = 0; i < buf.length; i++) {
    const u = rng.uniform();
    if (u >= density) buf[i] = rng.uniform() < 0.5 ? 0 : -0;
    else if (u < 0.002) buf[i] = NaN;
    else if (u < 0.004) buf[i] = 5e-324 * (1 + Math.floor(rng.uniform() * 9));
    else buf[i] = rng.normal() * 2 ** Math.floor(rng.uniform() * 40 - 20);
  }
  return buf;
}

/** Runs `body` on the native backend at one GEMM thread, then puts back the backend and one thread. */
function onNativeBackend(body: () => void): void {
  const before = gemmBackendName();
  try {
    useGemmBackend("native-blas");
    setGemmThreads(1);
    body();
  } finally {
    setGemmThreads(1);
    useGemmBackend(before);
  }
}

function dense(rng: FastNormal, n: number): Float64Array {
  return rng.fill(new Float64Array(n)).map((v, i) => v * 2 ** ((i % 41) - 20));
}

test("skipZerosTN stays within the rounding bound of the exact sums, on every block width", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  if (blas.skipZerosTN === undefined) return t.skip("this build of the addon has no skipZerosTN");
  const rng = new FastNormal(11);
  for (const [m, n, k] of [
    [3, 1, 20],
    [5, 7, 33],
    [8, 8, 64],
    [4, 31, 17],
    [6, 32, 40],
    [2, 33, 50],
    [9, 65, 128],
    [7, 100, 31],
  ]) {
    const a = sparse(rng, k, m, 0.5, 0).map((v) => (Number.isFinite(v) ? v : 0));
    const b = dense(rng, k * n);
    const c = new Float64Array(m * n);
    assert.equal(blas.skipZerosTN(m, n, k, a, 0, b, 0, c, 0), true, `${m}×${n}×${k} declined`);
    const ref = new Float64Array(m * n);
    gemmPlain(m, n, k, a, 0, true, b, 0, false, ref, 0);
    // |Σ fl − Σ exact| ≤ γ_k Σ|a||b| for either order; the two together within 2γ_k.
    const absA = a.map(Math.abs),
      absB = b.map(Math.abs),
      mag = new Float64Array(m * n);
    gemmPlain(m, n, k, absA, 0, true, absB, 0, false, mag, 0);
    const gamma = (2 * k * 2 ** -53) / (1 - k * 2 ** -53);
    for (let i = 0; i < m * n; i++)
      assert.ok(
        Math.abs(c[i] - ref[i]) <= gamma * mag[i] + 1e-300,
        `${m}×${n}×${k} [${i}]: ${c[i]} vs ${ref[i]} (bound ${gamma * mag[i]})`,
      );
  }
});

test("where the probe matched, skipZerosTN gives dgemm's bits (relu-like A with ±0, NaN, subnormals; offsets)", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  if (blas.skipZerosTN === undefined || blas.skipZerosProbe === undefined)
    return t.skip("this build of the addon has no skipZerosTN");
  blas.setThreads(1);
  // The kernels the probe is expected to match: OpenBLAS's AVX-512 DGEMM (one FMA chain over k
  // for k up to its block depth). Elsewhere the probe may fail and the dense product runs.
  const chainKernel = ["Cooperlake", "SkylakeX"].includes(blas.corename());
  const rng = new FastNormal(12);
  let compared = 0;
  for (const [m, n, k] of [
    [64, 784, 128],
    [64, 64, 128],
    [17, 45, 16],
    [32, 40, 200],
  ]) {
    const matched = blas.skipZerosProbe(m, n, k);
    if (chainKernel) assert.ok(matched, `${m}×${n}×${k}: the probe did not match on ${blas.corename()}`);
    if (!matched) continue;
    for (const density of [0, 0.1, 0.5, 0.69]) {
      const a = sparse(rng, k, m, density, 3);
      const b = dense(rng, k * n + 5);
      const c = new Float64Array(m * n + 4).fill(7),
        want = new Float64Array(m * n + 4).fill(7);
      assert.equal(blas.skipZerosTN(m, n, k, a, 3, b, 5, c, 4), true, `${m}×${n}×${k} at ${density} declined`);
      blas.dgemm(m, n, k, a, 3, true, b, 5, false, want, 4);
      assertSame(c, want, `${m}×${n}×${k} at density ${density}`);
      compared++;
    }
  }
  if (chainKernel) assert.equal(compared, 16);
});

test("gemmInfo (shocklens doctor) says whether the zeros are skipped: on one OpenBLAS thread where the probe matches, off at two", (t) => {
  const blas = nativeOrSkip(t);
  const probe = blas?.skipZerosProbe;
  if (blas === null || probe === undefined) return;
  onNativeBackend(() => {
    const one = gemmInfo().skipZeros;
    assert.equal(one.active, probe(64, 784, 128), one.detail);
    if (["Cooperlake", "SkylakeX"].includes(blas.corename()))
      assert.match(one.detail, /probe on 64×784×128: OpenBLAS's bits/);
    setGemmThreads(2);
    assert.deepEqual(gemmInfo().skipZeros, { active: false, detail: "at 2 OpenBLAS threads (it runs at one only)" });
  });
});

test("skipZerosTN declines dense A, B with ∞ or NaN, and k beyond its block; throws on short operands", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null || blas.skipZerosTN === undefined) return;
  const rng = new FastNormal(13);
  const [m, n, k] = [8, 40, 32];
  const c = new Float64Array(m * n);
  const b = dense(rng, k * n);
  assert.equal(blas.skipZerosTN(m, n, k, sparse(rng, k, m, 0.9, 0), 0, b, 0, c, 0), false, "90 % nonzero");
  const a = sparse(rng, k, m, 0.4, 0);
  for (const bad of [Infinity, -Infinity, NaN]) {
    const bb = b.slice();
    bb[k * n - 1] = bad;
    assert.equal(blas.skipZerosTN(m, n, k, a, 0, bb, 0, c, 0), false, `B holding ${bad}`);
  }
  const long = 2049;
  assert.equal(
    blas.skipZerosTN(2, 8, long, new Float64Array(2 * long), 0, new Float64Array(8 * long), 0, new Float64Array(16), 0),
    false,
    "k = 2049",
  );
  assert.throws(() => blas.skipZerosTN!(m, n, k, a, 0, b, 1, c, 0), /too short/);
  assert.throws(() => blas.skipZerosProbe!(0, 1, 1), /positive/);
  assert.throws(() => blas.skipZerosProbe!(1 << 13, 1 << 13, 1), /2\^24/);
});

test("gemmTransASkippingZeros gives gemmDispatch's bits on relu-like operands, at one and two threads", (t) => {
  if (nativeOrSkip(t) === null) return;
  const rng = new FastNormal(14);
  onNativeBackend(() => {
    for (const threads of [1, 2]) {
      setGemmThreads(threads);
      for (const [m, n, k, density] of [
        [64, 784, 128, 0.45],
        [64, 64, 128, 0.6],
        [30, 50, 8, 0.5],
        [20, 30, 40, 0.95],
      ]) {
        const a = sparse(rng, k, m, density, 0);
        const b = dense(rng, k * n);
        const got = new Float64Array(m * n),
          want = new Float64Array(m * n);
        gemmTransASkippingZeros(m, n, k, a, 0, b, 0, got, 0);
        gemmDispatch(m, n, k, a, 0, true, b, 0, false, want, 0);
        assertSame(got, want, `${m}×${n}×${k} at ${threads} thread(s), density ${density}`);
      }
    }
  });
});

test("eager matmul(a, b, { transA: true }) — a linear layer's weight gradient — gives gemmDispatch's bits on relu-like a", (t) => {
  if (nativeOrSkip(t) === null) return;
  const rng = new FastNormal(15);
  onNativeBackend(() => {
    for (const [m, n, k] of [
      [64, 784, 128],
      [48, 96, 64],
    ]) {
      const a = sparse(rng, k, m, 0.4, 0).subarray(0, k * m);
      const b = dense(rng, k * n);
      const want = new Float64Array(m * n);
      gemmDispatch(m, n, k, a, 0, true, b, 0, false, want, 0);
      const got = matmul(new Tensor(a, [k, m]), new Tensor(b, [k, n]), { transA: true });
      assert.deepEqual(got.shape, [m, n]);
      assertSame(got.data, want, `matmul ${m}×${n}×${k}`);
    }
  });
});

test("skipZerosTN on two threads at once (each thread its own scratch) gives dgemm's bits on both", async (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null || blas.skipZerosTN === undefined || blas.skipZerosProbe === undefined) return;
  blas.setThreads(1);
  if (!blas.skipZerosProbe(64, 200, 128)) return t.skip("the probe does not match OpenBLAS here");
  // The same loop on the main thread and on a worker: operands from a seed, 300 products, each
  // compared with dgemm; the two threads' lists and blocks must not share memory. Plain JavaScript
  // source, so that both threads run exactly it.
  const loopSource = `(blas, seed) => {
    const m = 64, n = 200, k = 128;
    let s = seed;
    const next = () => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648);
    let mismatches = 0;
    for (let r = 0; r < 300; r++) {
      const a = new Float64Array(k * m).map(() => (next() < 0.5 ? 0 : next() - 0.5));
      const b = new Float64Array(k * n).map(() => next() - 0.5);
      const c = new Float64Array(m * n), d = new Float64Array(m * n);
      if (!blas.skipZerosTN(m, n, k, a, 0, b, 0, c, 0)) mismatches++;
      blas.dgemm(m, n, k, a, 0, true, b, 0, false, d, 0);
      for (let i = 0; i < c.length; i++) if (!Object.is(c[i], d[i])) mismatches++;
    }
    return mismatches;
  }`;
  const loop = runInThisContext(loopSource) as (b: typeof blas, seed: number) => number;
  const { Worker } = await import("node:worker_threads");
  const source = `const { parentPort, workerData } = require("node:worker_threads");
    const blas = require(workerData.path);
    blas.setThreads(1);
    parentPort.postMessage((${loopSource})(blas, 7));`;
  const worker = new Worker(source, { eval: true, workerData: { path: blas.path } });
  const fromWorker = new Promise<number>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  const here = loop(blas, 3);
  assert.equal(here, 0, "main thread");
  assert.equal(await fromWorker, 0, "worker thread");
  await worker.terminate();
});
