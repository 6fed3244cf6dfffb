/**
 * The small-product WebAssembly kernels (outer products and row vector × matrix) against the
 * naive triple loop, on every transpose flag, odd sizes (SIMD tails), offsets into larger buffers,
 * and the shapes they must decline; then the dispatch routes a batch-of-one gradient through them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SmallGemm, findSmallWasm, SMALL_MIN_WORK } from "../../src/core/backends/gemm/small.ts";
import { gemmDispatch, gemmInfo } from "../../src/core/backends/gemm/index.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { join } from "node:path";
import { naiveGemm, randomArray, relDiff, wasmDir } from "./helpers.ts";

/** The built module, or a fresh build of all kernels (so these kernels are always tested). */
const path = findSmallWasm() ?? join(wasmDir(), "small.wasm");

test("small kernels: k = 1 and m = 1 products match the triple loop for every transpose flag", () => {
  const sg = new SmallGemm(path);
  const rng = new FastNormal(77);
  const shapes: [number, number, number][] = [
    [32, 32, 1],
    [33, 17, 1],
    [256, 7, 1],
    [1, 300, 1],
    [1, 32, 32],
    [1, 31, 33],
    [1, 5, 61],
    [1, 64, 9],
    [1, 3, 129],
    [1, 129, 2],
  ];
  let checked = 0;
  for (const [m, n, k] of shapes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const aOff = Math.floor(rng.uniform() * 5),
          bOff = Math.floor(rng.uniform() * 5),
          cOff = 3;
        const a = randomArray(rng, aOff + m * k + 2),
          b = randomArray(rng, bOff + k * n + 2);
        const c = new Float64Array(cOff + m * n + 4).fill(7);
        const ok = sg.tryGemm(m, n, k, a, aOff, tA, b, bOff, tB, c, cOff);
        assert.equal(ok, m * n * k >= SMALL_MIN_WORK, `[${m},${n},${k}] taken`);
        if (!ok) continue;
        const want = naiveGemm(m, n, k, a, aOff, tA, b, bOff, tB);
        const got = c.subarray(cOff, cOff + m * n);
        assert.ok(relDiff(got, want) < 1e-14, `[${m},${n},${k}] tA=${tA} tB=${tB}: ${relDiff(got, want)}`);
        // Only the output range is written.
        for (const i of [0, 1, 2, cOff + m * n, cOff + m * n + 3]) assert.equal(c[i], 7);
        checked++;
      }
    }
  }
  assert.ok(checked >= 30);
});

test("small kernels decline general products and operands larger than their arena", () => {
  const sg = new SmallGemm(path);
  const big = new Float64Array(70000),
    c = new Float64Array(70000);
  assert.equal(sg.tryGemm(4, 8, 8, big, 0, false, big, 0, false, c, 0), false); // m, k > 1
  assert.equal(sg.tryGemm(1, 300, 250, big, 0, false, big, 0, true, c, 0), false); // 75 000 + 250 + 300 doubles
  assert.equal(sg.tryGemm(1, 2, 2, big, 0, false, big, 0, false, c, 0), false); // too small to pay
});

test(
  "the dispatch sends small outer products to these kernels when a fast backend is active",
  { skip: findSmallWasm() === null && "small.wasm is not built into dist/" },
  () => {
    const info = gemmInfo();
    if (info.backend === "typescript") {
      assert.equal(info.smallKernels.active, false);
      return;
    }
    assert.equal(info.smallKernels.active, true, info.smallKernels.detail);
    const rng = new FastNormal(5);
    const a = randomArray(rng, 32),
      b = randomArray(rng, 32),
      c = new Float64Array(1024);
    gemmDispatch(32, 32, 1, a, 0, true, b, 0, false, c, 0);
    assert.ok(relDiff(c, naiveGemm(32, 32, 1, a, 0, true, b, 0, false)) < 1e-15);
  },
);
