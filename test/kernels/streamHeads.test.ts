/**
 * The compiled transformer's embedding rows and in-place attention products (docs/performance.md
 * §compiled-transformer): the TypeScript twins against the eager arithmetic they replace (gather,
 * broadcast add and layerNormForward; the batched small products on permuted heads) and the
 * native kernels against the TypeScript twins, bit for bit — NaN, ±0, ±∞, subnormals and huge
 * values mixed in, operands as views at odd offsets, repeated tokens (the scatter's order shows in
 * the last bits), widths around the partial-sum and vector widths.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nativeStream } from "../../src/core/backends/gemm/nativeBlas.ts";
import { layerNormForward } from "../../src/core/kernels/fused.ts";
import { typescriptStream as ts, type StreamKernels } from "../../src/core/kernels/stream.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { assertSame, data, nativeOrSkip, raw } from "./streamHelpers.ts";

const WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 64];

/** The TypeScript kernels, and the native ones (raw and with the size cut-off) when the addon is built. */
function impls(t: { skip(message: string): void }): StreamKernels[] {
  const blas = nativeOrSkip(t);
  return blas === null ? [ts] : [ts, raw(blas), nativeStream(blas)!];
}

test("embedLayerNorm: x₀ = E[tok] + P[t mod T] and its layer norm, as gather, add and layerNormForward, on every backend", (t) => {
  const rng = new FastNormal(71);
  const V = 5;
  let checked = 0;
  for (const k of impls(t))
    for (const d of WIDTHS)
      for (const [rows, T] of [
        [1, 1],
        [6, 3],
        [40, 4],
      ])
        for (const special of [0, 1 / 6])
          for (const norm of [true, false]) {
            const E = data(rng, V * d, 1, 1, special),
              P = data(rng, T * d, 2, 1, special),
              gamma = data(rng, d, 0, 1, special),
              beta = data(rng, d, 1, 1, special);
            const tok = Int32Array.from({ length: rows }, (_, r) => (r * 3 + 1) % V);
            const x0w = new Float64Array(rows * d);
            for (let r = 0; r < rows; r++)
              for (let j = 0; j < d; j++) x0w[r * d + j] = E[tok[r] * d + j] + P[(r % T) * d + j];
            const want = [x0w, new Float64Array(rows * d), new Float64Array(rows), new Float64Array(rows)];
            if (norm) layerNormForward(x0w, rows, d, gamma, beta, 1e-5, want[1], want[2], want[3]);
            const got = [0, 1, 2, 3].map((i) => new Float64Array(want[i].length + 2).subarray(1, want[i].length + 1));
            if (norm) k.embedLayerNorm(E, P, tok, rows, T, d, gamma, beta, 1e-5, got[0], got[1], got[2], got[3]);
            else {
              k.embedLayerNorm(E, P, tok, rows, T, d, null, null, 1e-5, got[0], null, null, null);
              got.slice(1).forEach((a) => a.fill(0));
            }
            const what = `embedLayerNorm d=${d} rows=${rows} T=${T} special=${special} norm=${norm}`;
            ["x0", "out", "mean", "rstd"].forEach((name, i) => assertSame(got[i], want[i], `${what} ${name}`));
            checked++;
          }
  assert.ok(checked >= 132);
});

test("scatterAddRows: dE[tok[r]] += g[r] in row order, repeated tokens included, on every backend", (t) => {
  const rng = new FastNormal(72);
  for (const k of impls(t))
    for (const d of WIDTHS)
      for (const rows of [1, 7, 300])
        for (const special of [0, 1 / 6]) {
          const V = 4;
          const g = data(rng, rows * d, 1, 1e3, special),
            start = data(rng, V * d, 2, 1, special);
          const tok = Int32Array.from({ length: rows }, (_, r) => (r * r + 1) % V);
          const want = start.slice();
          for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) want[tok[r] * d + j] += g[r * d + j];
          const got = start.slice();
          k.scatterAddRows(g, tok, rows, d, got);
          assertSame(got, want, `scatterAddRows d=${d} rows=${rows} special=${special}`);
        }
});

test("embedding kernels: the native ones reject tokens outside E, short operands and wrong types", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const k = raw(blas);
  const E = new Float64Array(6),
    x = new Float64Array(6),
    r = new Float64Array(2);
  const ok = Int32Array.of(0, 2);
  assert.throws(
    () => k.embedLayerNorm(E, E, Int32Array.of(0, 3), 2, 1, 2, null, null, 0, x, null, null, null),
    /tokens/,
  );
  assert.throws(
    () => k.embedLayerNorm(E, E, Int32Array.of(-1, 0), 2, 1, 2, null, null, 0, x, null, null, null),
    /tokens/,
  );
  assert.throws(
    () =>
      k.embedLayerNorm(
        E,
        E,
        Float64Array.of(0, 1) as unknown as Int32Array,
        2,
        1,
        2,
        null,
        null,
        0,
        x,
        null,
        null,
        null,
      ),
    /tokens/,
  );
  assert.throws(() => k.embedLayerNorm(E, E, ok, 2, 1, 3, r, r, 0, x, x, r, r), /tokens/); // E holds 2 rows of 3
  assert.throws(() => k.embedLayerNorm(E, E, ok, 2, 1, 2, r, r, 0, x, x, r, new Float64Array(1)), /operand too short/);
  assert.throws(() => k.embedLayerNorm(E, E, ok, 2, 1, 2, r, null, 0, x, x, r, r), /operand too short/);
  assert.throws(() => k.scatterAddRows(x, Int32Array.of(0, 3), 2, 2, E), /tokens/);
  assert.throws(() => k.scatterAddRows(new Float64Array(3), ok, 2, 2, E), /operand too short/);
});

/** Heads of [N·T, H·dh] rows permuted to [N, H, T, dh] (the eager layout of the batched products). */
function permuted(src: Float64Array, N: number, T: number, H: number, dh: number): Float64Array {
  const out = new Float64Array(N * T * H * dh);
  ts.permuteHeads(src, out, N, T, H, dh, false);
  return out;
}

test("dotHeads on heads in place equals the batched A·Bᵀ on permuted heads bit for bit (attention's scores, dA)", (t) => {
  const rng = new FastNormal(73);
  let checked = 0;
  for (const k of impls(t))
    for (const [N, T, H, dh] of [
      [1, 1, 1, 4],
      [3, 3, 4, 16],
      [2, 5, 2, 7],
      [4, 2, 3, 17],
      [512, 3, 4, 16],
    ])
      for (const special of [0, 1 / 6]) {
        const hd = H * dh,
          n = N * T * hd;
        const q = data(rng, n, 1, 1, special),
          kk = data(rng, n, 2, 1, special);
        const want = new Float64Array(N * H * T * T).fill(9);
        ts.dotBatched(N * H, T, T, dh, permuted(q, N, T, H, dh), T * dh, permuted(kk, N, T, H, dh), T * dh, want);
        const got = new Float64Array(want.length).fill(9);
        k.dotHeads(N, H, T, T, dh, q, T * hd, dh, hd, kk, T * hd, dh, hd, got, H * T * T, T * T, T);
        assertSame(got, want, `dotHeads N=${N} T=${T} H=${H} dh=${dh} special=${special}`);
        checked++;
      }
  assert.ok(checked >= 10);
});

test("rowsHeads on heads in place equals the batched op(A)·B on permuted heads bit for bit (A·V, dV, dQ, dK)", (t) => {
  const rng = new FastNormal(74);
  let checked = 0;
  for (const k of impls(t))
    for (const [N, T, H, dh] of [
      [1, 2, 1, 4],
      [3, 3, 4, 16],
      [2, 5, 2, 7],
      [4, 6, 3, 5],
      [2, 9, 2, 8],
      [512, 3, 4, 16],
    ])
      for (const transA of [false, true])
        for (const special of [0, 1 / 6]) {
          const hd = H * dh,
            TT = T * T;
          const a = data(rng, N * H * TT, 1, 1, special),
            v = data(rng, N * T * hd, 2, 1, special);
          const wantP = new Float64Array(N * T * hd).fill(9);
          ts.rowsBatched(N * H, T, dh, T, a, TT, transA, permuted(v, N, T, H, dh), T * dh, wantP);
          const want = new Float64Array(N * T * hd);
          ts.permuteHeads(wantP, want, N, T, H, dh, true);
          const got = new Float64Array(N * T * hd + 2).fill(9).subarray(1, N * T * hd + 1);
          k.rowsHeads(N, H, T, dh, T, a, H * TT, TT, transA, v, T * hd, dh, hd, got, T * hd, dh, hd);
          assertSame(got, want, `rowsHeads N=${N} T=${T} H=${H} dh=${dh} transA=${transA} special=${special}`);
          checked++;
        }
  assert.ok(checked >= 24);
});

test("the native in-place attention products reject operands shorter than their strides reach", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const k = raw(blas);
  const a = new Float64Array(24),
    c = new Float64Array(18);
  // N = 2, H = 1, 3×3 from rows of 4 (k = 4): a reaches 1·12 + 2·4 + 4 = 24 elements.
  k.dotHeads(2, 1, 3, 3, 4, a, 12, 0, 4, a, 12, 0, 4, c, 9, 0, 3);
  assert.throws(() => k.dotHeads(2, 1, 3, 3, 4, a.subarray(1), 12, 0, 4, a, 12, 0, 4, c, 9, 0, 3), /operand too short/);
  assert.throws(() => k.dotHeads(2, 1, 3, 3, 4, a, 12, 0, 4, a, 12, 0, 4, c.subarray(1), 9, 0, 3), /operand too short/);
  assert.throws(() => k.rowsHeads(2, 1, 3, 4, 3, a, 12, 0, false, a, 12, 0, 5, c, 9, 0, 4), /operand too short/);
  assert.throws(
    () => k.rowsHeads(2, 1, 3, 4, 3, a, 12, 0, 1 as unknown as boolean, a, 12, 0, 4, a, 12, 0, 4),
    /expected/,
  );
});

test("copyRows: the last position's rows out of [N, T, V] and back, on every backend; the native one rejects bad operands", (t) => {
  const rng = new FastNormal(75);
  for (const k of impls(t))
    for (const [N, T, V] of [
      [1, 1, 1],
      [5, 3, 7],
      [512, 3, 99],
    ]) {
      const src = data(rng, N * T * V, 1, 1, 1 / 6);
      const want = new Float64Array(N * V);
      for (let n = 0; n < N; n++) for (let j = 0; j < V; j++) want[n * V + j] = src[(n * T + T - 1) * V + j];
      const got = new Float64Array(N * V + 2).fill(9).subarray(1, N * V + 1);
      k.copyRows(src, (T - 1) * V, T * V, got, 0, V, N, V);
      assertSame(got, want, `copyRows out N=${N} T=${T} V=${V}`);
      const back = new Float64Array(N * T * V).fill(7);
      k.copyRows(got, 0, V, back, (T - 1) * V, T * V, N, V);
      for (let i = 0; i < back.length; i++) {
        const r = Math.floor(i / V);
        const w = r % T === T - 1 ? src[i] : 7;
        assert.ok(Object.is(back[i], w), `copyRows back [${i}]`);
      }
    }
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const a = new Float64Array(10);
  assert.throws(() => raw(blas).copyRows(a, 2, 4, new Float64Array(10), 0, 3, 3, 3), /operand too short/);
  assert.throws(() => raw(blas).copyRows(a, 0, 3, new Float64Array(5), 0, 3, 2, 3), /operand too short/);
  assert.throws(() => raw(blas).copyRows(a, 0, 3, a, 1, 3, 2, 2), /src and dst must differ/);
});
