/**
 * The thin products in WebAssembly (assembly/thin.ts) give the plain GEMM's doubles bit for bit
 * (docs/performance.md §sgld-wasm-kernels): x·Wᵀ with k = 2 (dotShortK), one output column
 * (gemmDotContig's lone column, k ≥ 4) and gᵀx / x·B with fewer than four columns (rowSumsThin),
 * on the shapes of the sgld-inner network and on random odd ones, with operands at unaligned
 * offsets (views) of the module's memory, and with ±0, ±∞, NaN and values of mixed magnitude
 * whose sums depend on the order of addition; the one-output layer's backward products (outer,
 * vecmat) against small.wasm's kernels, which the eager path runs for them. Compared as raw
 * 64-bit patterns, except that a NaN matches any NaN: which NaN an operation on NaN or ∞·0
 * returns is not specified (in JavaScript nor in WebAssembly) and depends on the order in which
 * the compiler passes the operands.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { smallGemm } from "../../src/core/backends/gemm/small.ts";
import { gemm } from "../../src/core/kernels/matmul.ts";
import {
  plainUsesDotCol,
  plainUsesDotK2,
  plainUsesRowSums,
  type ThinWasm,
  thinWasmOver,
} from "../../src/core/kernels/thinWasm.ts";

const memory = new WebAssembly.Memory({ initial: 16 });
const heap = new Float64Array(memory.buffer);
const loaded = thinWasmOver(memory);
assert.ok(loaded !== null, "thin.wasm is built (npm run build)");
const thin: ThinWasm = loaded;

/** Random values of mixed magnitude (sums that depend on their order), some special values. */
function fill(rng: FastNormal, at: number, n: number, special: boolean): void {
  const SPECIAL = [0, -0, -0, Infinity, -Infinity, NaN, 5e-324, -1e300];
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    heap[at + i] =
      special && u < 0.08
        ? SPECIAL[Math.floor(rng.uniform() * SPECIAL.length)]
        : rng.normal() * 2 ** Math.floor(40 * u - 20);
  }
}

function assertSameBits(got: number, want: number, n: number, what: string): void {
  const g = new BigUint64Array(memory.buffer, got * 8, n).slice(),
    w = new BigUint64Array(memory.buffer, want * 8, n).slice();
  for (let i = 0; i < n; i++)
    if (g[i] !== w[i] && !(Number.isNaN(heap[got + i]) && Number.isNaN(heap[want + i])))
      assert.fail(`${what}: element ${i}: ${heap[got + i]} instead of ${heap[want + i]}`);
}

/**
 * One product on both kernels (the plain GEMM unless another oracle is given): A at element 1 + s,
 * B after it, C_wasm and C_oracle after that (odd offsets).
 */
function check(
  rng: FastNormal,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  special: boolean,
  run: (a: number, b: number, c: number) => void,
  oracle = (a: number, b: number, c: number): void => gemm(m, n, k, heap, a, transA, heap, b, transB, heap, c),
): void {
  const shift = Math.floor(rng.uniform() * 3);
  const A = 1 + shift,
    B = A + m * k + 1,
    C = B + k * n + 3,
    P = C + m * n + 1;
  fill(rng, A, m * k, special);
  fill(rng, B, k * n, special);
  heap.fill(7, C, C + m * n);
  heap.fill(9, P, P + m * n);
  run(A * 8, B * 8, C * 8);
  oracle(A, B, P);
  assertSameBits(C, P, m * n, `${m}×${n}×${k} transA=${transA} transB=${transB}`);
}

test("thin.wasm x·Wᵀ with k = 2 equals the plain GEMM (dotShortK) bit for bit, NaN for NaN", () => {
  const rng = new FastNormal(11);
  const shapes: [number, number][] = [
    [32, 32],
    [1, 1],
    [3, 5],
    [7, 1],
    [33, 31],
    [5, 2],
    [2, 9],
    [64, 32],
  ];
  for (let t = 0; t < 40; t++) shapes.push([1 + Math.floor(rng.uniform() * 40), 1 + Math.floor(rng.uniform() * 40)]);
  for (const [m, n] of shapes) {
    assert.ok(plainUsesDotK2(m, n, 2, false, true), `${m}×${n}×2 takes dotShortK`);
    for (const special of [false, true])
      check(rng, m, n, 2, false, true, special, (a, b, c) => thin.dotK2(m, n, a, 2, b, c));
  }
});

test("thin.wasm one output column equals the plain GEMM (gemmDotContig's lone column) bit for bit, NaN for NaN", () => {
  const rng = new FastNormal(12);
  const shapes: [number, number][] = [
    [32, 32],
    [1, 4],
    [3, 5],
    [7, 6],
    [33, 7],
    [2, 100],
    [9, 31],
  ];
  for (let t = 0; t < 40; t++) shapes.push([1 + Math.floor(rng.uniform() * 40), 4 + Math.floor(rng.uniform() * 60)]);
  for (const [m, k] of shapes) {
    assert.ok(plainUsesDotCol(m, 1, k, false, true), `${m}×1×${k} takes the lone-column sums`);
    for (const special of [false, true])
      check(rng, m, 1, k, false, true, special, (a, b, c) => thin.dotCol(m, k, a, k, b, c));
  }
});

test("thin.wasm products with fewer than four columns equal the plain GEMM (rowSumsThin) bit for bit, NaN for NaN", () => {
  const rng = new FastNormal(13);
  const shapes: [number, number, number][] = [
    [32, 2, 32],
    [1, 1, 2],
    [3, 3, 3],
    [5, 1, 7],
    [33, 2, 31],
    [4, 3, 9],
  ];
  for (let t = 0; t < 60; t++)
    shapes.push([
      1 + Math.floor(rng.uniform() * 40),
      1 + Math.floor(rng.uniform() * 3),
      2 + Math.floor(rng.uniform() * 40),
    ]);
  for (const [m, n, k] of shapes) {
    for (const transA of [true, false]) {
      assert.ok(plainUsesRowSums(m, n, k, transA, false), `${m}×${n}×${k} takes rowSumsThin`);
      // op(A)[i, p] = A[i·ars + p·acs]: A stored [k, m] when transposed, else [m, k].
      const ars = transA ? 1 : k,
        acs = transA ? m : 1;
      for (const special of [false, true])
        check(rng, m, n, k, transA, false, special, (a, b, c) => thin.rowSums(m, n, k, a, ars, acs, b, c));
    }
  }
});

test("thin.wasm: signed zeros — 0 + (−0)·w gives +0 where the plain kernels start from 0, −0 where they do not", () => {
  const rng = new FastNormal(14);
  // All products −0: dotShortK and the lone column start from +0 (result +0), rowSumsThin does not (−0).
  const negZeros = (at: number, n: number, m: number, k: number) => {
    for (let i = 0; i < m * k; i++) heap[at + i] = -0;
    for (let i = 0; i < k * n; i++) heap[at + m * k + 1 + i] = 1;
  };
  for (const [m, n, k, which] of [
    [3, 5, 2, "k2"],
    [3, 1, 6, "col"],
    [3, 2, 5, "rows"],
  ] as const) {
    negZeros(1, n, m, k);
    const A = 1,
      B = A + m * k + 1,
      C = B + k * n + 3,
      P = C + m * n + 1;
    if (which === "k2") thin.dotK2(m, n, A * 8, k, B * 8, C * 8);
    else if (which === "col") thin.dotCol(m, k, A * 8, k, B * 8, C * 8);
    else thin.rowSums(m, n, k, A * 8, k, 1, B * 8, C * 8);
    gemm(m, n, k, heap, A, false, heap, B, which !== "rows", heap, P);
    assertSameBits(C, P, m * n, `all −0 products (${which})`);
    assert.equal(Object.is(heap[C], -0), which === "rows", `sign of zero (${which})`);
  }
  void rng;
});

test("thin.wasm's outer and vecmat equal small.wasm's (the eager path's kernels for these shapes) bit for bit, NaN for NaN", () => {
  const small = smallGemm();
  assert.ok(small !== null, "small.wasm is built (npm run build)");
  const rng = new FastNormal(14);
  const shapes: [number, number][] = [
    [32, 32],
    [1, 256],
    [17, 31],
    [64, 9],
    [3, 100],
  ];
  for (let t = 0; t < 40; t++) shapes.push([1 + Math.floor(rng.uniform() * 64), 1 + Math.floor(rng.uniform() * 64)]);
  for (const [r, n] of shapes)
    for (const special of [false, true]) {
      // outer: C[r, n] = g·w (k = 1); vecmat: c[n] = gᵀ·A with A [r, n] (m = 1, k = r).
      for (const [m, k] of [
        [r, 1],
        [1, r],
      ]) {
        if (!small.takes(m, n, k)) continue;
        const run = (a: number, b: number, c: number): void =>
          k === 1 ? thin.outer(m, n, a, b, c) : thin.vecmat(n, k, a, b, c);
        check(rng, m, n, k, true, false, special, run, (a, b, c) =>
          assert.ok(small.tryGemm(m, n, k, heap, a, true, heap, b, false, heap, c), `${m}×${n}×${k} taken`),
        );
      }
    }
});
