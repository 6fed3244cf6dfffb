/**
 * The transformer's streaming kernels (docs/performance.md §compiled-transformer): the native
 * residual add + layer norm, its reverse pass with the residual's cotangent, and relu's backward
 * with the bias gradient's column sums return the TypeScript kernels' bits exactly — on rows of
 * every width around the partial-sum and vector widths, with NaN, ±0, ±∞, subnormals and huge
 * values mixed in, on views at odd offsets, with and without the optional bias / base, in place.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nativeStream } from "../../src/core/backends/gemm/nativeBlas.ts";
import { typescriptStream as ts } from "../../src/core/kernels/stream.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { assertSame, data, nativeOrSkip, raw } from "./streamHelpers.ts";

const WIDTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 64, 129];
/** Finite data only (the values all real rows see), and one special in six. */
const SPECIALS = [0, 1 / 6];

test("native add + layer norm equals the TypeScript kernel bit for bit", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(61);
  let checked = 0;
  for (const k of [raw(blas), nativeStream(blas)!])
    for (const d of WIDTHS)
      for (const rows of [1, 3, 7, 40])
        for (const special of SPECIALS)
          for (const withBias of [false, true]) {
            const n = rows * d,
              off = d % 3;
            const x = data(rng, n, off, 1, special),
              y = data(rng, n, off + 1, 3, special),
              bias = withBias ? data(rng, d, 1, 1, special) : null,
              gamma = data(rng, d, 2, 1, special),
              beta = data(rng, d, 0, 1, special);
            const run = (impl: typeof k) => {
              const sum = new Float64Array(n).fill(9),
                out = new Float64Array(n).fill(9),
                mean = new Float64Array(rows).fill(9),
                rstd = new Float64Array(rows).fill(9);
              impl.addLayerNorm(x, y, bias, rows, d, gamma, beta, 1e-5, sum, out, mean, rstd);
              return [sum, out, mean, rstd];
            };
            const want = run(ts),
              got = run(k);
            const what = `addLayerNorm d=${d} rows=${rows} special=${special} bias=${withBias}`;
            ["sum", "out", "mean", "rstd"].forEach((name, i) => assertSame(got[i], want[i], `${what} ${name}`));
            if (special === 0) assert.ok(want[1].every(Number.isFinite), `${what}: finite data gives finite values`);
            checked++;
          }
  assert.ok(checked > 300);
});

test("native layer-norm reverse pass (+ residual cotangent) equals the TypeScript kernel bit for bit", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(62);
  let checked = 0;
  for (const k of [raw(blas), nativeStream(blas)!])
    for (const d of WIDTHS)
      for (const rows of [1, 3, 7, 40])
        for (const special of SPECIALS)
          for (const form of ["none", "base", "in place"] as const) {
            const n = rows * d,
              off = (d + 1) % 3;
            const g = data(rng, n, off, 1, special),
              x = data(rng, n, off + 2, 1, special),
              gamma = data(rng, d, 1, 1, special),
              mean = data(rng, rows, 0, 0.1, special),
              rstd = data(rng, rows, 1, 1, special).map(Math.abs),
              base = form === "none" ? null : data(rng, n, 1, 1, special),
              acc0 = data(rng, d, 0, 1, special); // dγ, dβ accumulate onto what is there
            const run = (impl: typeof k) => {
              const b = base === null ? null : base.slice();
              const dx = form === "in place" ? b! : new Float64Array(n).fill(9);
              const dg = acc0.slice(),
                db = acc0.slice();
              impl.layerNormBackwardAdd(g, x, rows, d, gamma, mean, rstd, b, dx, dg, db);
              return [dx, dg, db];
            };
            const want = run(ts),
              got = run(k);
            const what = `layerNormBackwardAdd d=${d} rows=${rows} special=${special} ${form}`;
            ["dx", "dgamma", "dbeta"].forEach((name, i) => assertSame(got[i], want[i], `${what} ${name}`));
            checked++;
          }
  assert.ok(checked > 400);
});

test("native relu backward with column sums equals the TypeScript kernel bit for bit", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(63);
  for (const k of [raw(blas), nativeStream(blas)!])
    for (const n of WIDTHS)
      for (const rows of [1, 3, 7, 40])
        for (const special of SPECIALS) {
          const g = data(rng, rows * n, n % 3, 1, special),
            h = data(rng, rows * n, 1, 1, special);
          const run = (impl: typeof k) => {
            const dx = new Float64Array(rows * n).fill(9),
              // stale contents are overwritten; past n (db a row of a larger array) nothing is written
              db = new Float64Array(n + 2).fill(9);
            impl.reluBackwardColSums(g, h, rows, n, dx, db);
            assert.deepStrictEqual([db[n], db[n + 1]], [9, 9], `reluBackwardColSums n=${n}: wrote past db's n entries`);
            return [dx, db];
          };
          const want = run(ts),
            got = run(k);
          const what = `reluBackwardColSums n=${n} rows=${rows} special=${special}`;
          assertSame(got[0], want[0], `${what} dx`);
          assertSame(got[1], want[1], `${what} db`);
          for (let i = 0; i < rows * n; i++)
            assert.ok(Object.is(want[0][i], h[i] > 0 ? g[i] : 0), `${what}: relu's mask`);
          // In place (dx = g), both kernels: the same bits.
          for (const impl of [ts, k]) {
            const over = g.slice(),
              db = new Float64Array(n);
            impl.reluBackwardColSums(over, h, rows, n, over, db);
            assertSame(over, want[0], `${what} in place dx`);
            assertSame(db, want[1].subarray(0, n), `${what} in place db`);
          }
        }
});

test("the transformer's native kernels reject short operands and wrong types", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const k = raw(blas);
  const a = new Float64Array(6),
    r2 = new Float64Array(2),
    d3 = new Float64Array(3);
  assert.throws(() => k.addLayerNorm(a, a, null, 2, 4, d3, d3, 1e-5, a, a, r2, r2), /addLayerNorm: operand too short/);
  assert.throws(() => k.addLayerNorm(a, a, r2, 2, 3, d3, d3, 1e-5, a, a, r2, r2), /addLayerNorm: operand too short/);
  assert.throws(
    () => k.addLayerNorm(a, a, undefined as unknown as null, 2, 3, d3, d3, 1e-5, a, a, r2, r2),
    /addLayerNorm: expected/,
  );
  assert.throws(
    () => k.layerNormBackwardAdd(a, a, 2, 3, d3, r2, new Float64Array(1), null, a, d3, d3),
    /layerNormBackwardAdd: operand too short/,
  );
  assert.throws(
    () => k.layerNormBackwardAdd(a, a, 2, 3, d3, r2, r2, new Float32Array(6) as unknown as Float64Array, a, d3, d3),
    /layerNormBackwardAdd: expected/,
  );
  assert.throws(() => k.reluBackwardColSums(a, a, 2, 3, a, r2), /reluBackwardColSums: operand too short/);
  assert.throws(() => k.reluBackwardColSums(a, a, 3, 3, a, d3), /reluBackwardColSums: operand too short/);
});

test("native Adam/AdamW leaf update equals the TypeScript kernel bit for bit, in place too", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(64);
  let checked = 0;
  for (const k of [raw(blas), nativeStream(blas)!])
    for (const n of [1, 2, 3, 7, 8, 9, 17, 127, 128, 129, 1000])
      for (const special of SPECIALS)
        // AdamW (shrink = 1 − lr·λ, l2 = 0), Adam with L2 (shrink = 1), plain Adam, both terms
        // (each form is its own loop in C); steps 1 and 50.
        for (const [shrink, l2] of [
          [1 - 1e-3 * 0.01, 0],
          [1, 0.01],
          [1, 0],
          [1 - 1e-3 * 0.01, 0.01],
        ])
          for (const step of [1, 50]) {
            const lr = 1e-3,
              b1 = 0.9,
              b2 = 0.999;
            const stepSize = lr / (1 - Math.pow(b1, step)),
              bc2Sqrt = Math.sqrt(1 - Math.pow(b2, step));
            const off = n % 3;
            const th = data(rng, n, off, 1, special),
              g = data(rng, n, off + 1, 1e-2, special),
              m = data(rng, n, 1, 1e-2, special),
              v = data(rng, n, 2, 1e-4, special).map(Math.abs);
            const run = (impl: typeof k, inPlace: boolean) => {
              const [th1, m1, v1] = inPlace
                ? [th.slice(), m.slice(), v.slice()]
                : [n, n, n].map((l) => new Float64Array(l));
              const [thIn, mIn, vIn] = inPlace ? [th1, m1, v1] : [th, m, v];
              impl.adam(thIn, g, mIn, vIn, th1, m1, v1, shrink, l2, b1, b2, stepSize, bc2Sqrt, 1e-8);
              return [th1, m1, v1];
            };
            const want = run(ts, false);
            for (const inPlace of [false, true]) {
              const got = run(k, inPlace);
              const what = `adam n=${n} special=${special} shrink=${shrink} l2=${l2} step=${step} inPlace=${inPlace}`;
              ["θ", "m", "v"].forEach((name, i) => assertSame(got[i], want[i], `${what} ${name}`));
            }
            checked++;
          }
  assert.ok(checked > 100);
});

test("head permutes: native equals TypeScript, the inverse undoes it, and elements land where [N,T,H,dh] → [N,H,T,dh] puts them", (t) => {
  const rng = new FastNormal(65);
  const blas = nativeOrSkip(t);
  const impls = blas === null ? [ts] : [ts, raw(blas), nativeStream(blas)!];
  for (const [N, T, H, dh] of [
    [1, 1, 1, 1],
    [2, 3, 4, 16],
    [3, 5, 2, 7],
    [512, 3, 4, 16],
  ]) {
    const n = N * T * H * dh;
    const src = data(rng, n, 1);
    const want = new Float64Array(n);
    for (let a = 0; a < N; a++)
      for (let b = 0; b < T; b++)
        for (let h = 0; h < H; h++)
          for (let c = 0; c < dh; c++) want[((a * H + h) * T + b) * dh + c] = src[((a * T + b) * H + h) * dh + c];
    for (const k of impls) {
      const got = new Float64Array(n + 2).subarray(1, n + 1);
      k.permuteHeads(src, got, N, T, H, dh, false);
      assertSame(got, want, `permuteHeads N=${N} T=${T} H=${H} dh=${dh}`);
      const back = new Float64Array(n);
      k.permuteHeads(got, back, N, T, H, dh, true);
      assertSame(back, src, `permuteHeads inverse N=${N} T=${T} H=${H} dh=${dh}`);
    }
  }
  if (blas !== null) {
    const a = new Float64Array(8);
    assert.throws(
      () => raw(blas).permuteHeads(a, new Float64Array(7), 1, 2, 2, 2, false),
      /permuteHeads: operand too short/,
    );
    assert.throws(() => raw(blas).permuteHeads(a, a, 1, 2, 2, 2, false), /permuteHeads: src and dst must differ/);
  }
});

test("native batched A·Bᵀ equals the TypeScript small-product kernel bit for bit (attention's scores)", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(66);
  let checked = 0;
  for (const k of [raw(blas), nativeStream(blas)!])
    for (const [nb, m, n] of [
      [1, 1, 1],
      [3, 3, 3],
      [5, 2, 4],
      [4, 3, 7],
      [2, 6, 9],
      [300, 3, 3],
    ])
      for (const kk of [4, 5, 7, 16, 17])
        for (const special of SPECIALS) {
          const sa = m * kk + (nb > 1 ? 2 : 0),
            sb = n * kk + 1; // strides past the matrices, operands as views
          const a = data(rng, (nb - 1) * sa + m * kk, 1, 1, special),
            b = data(rng, (nb - 1) * sb + n * kk, 2, 1, special);
          const want = new Float64Array(nb * m * n).fill(9),
            got = new Float64Array(nb * m * n).fill(9);
          ts.dotBatched(nb, m, n, kk, a, sa, b, sb, want);
          k.dotBatched(nb, m, n, kk, a, sa, b, sb, got);
          assertSame(got, want, `dotBatched nb=${nb} m=${m} n=${n} k=${kk} special=${special}`);
          if (special === 0)
            for (let q = 0; q < nb; q++)
              for (let i = 0; i < m; i++)
                for (let j = 0; j < n; j++) {
                  let s = 0;
                  for (let p = 0; p < kk; p++) s += a[q * sa + i * kk + p] * b[q * sb + j * kk + p];
                  const w = want[(q * m + i) * n + j];
                  assert.ok(Math.abs(w - s) <= 1e-12 * (1 + Math.abs(s)), `dotBatched: the product's value`);
                }
          checked++;
        }
  assert.ok(checked > 100);
  assert.throws(
    () => raw(blas).dotBatched(2, 2, 2, 4, new Float64Array(15), 8, new Float64Array(16), 8, new Float64Array(8)),
    /dotBatched: operand too short/,
  );
});

test("native batched op(A)·B equals the TypeScript small-product kernel bit for bit (attention's A·V and reverse products)", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(67);
  let checked = 0;
  for (const k of [raw(blas), nativeStream(blas)!])
    for (const [nb, m, n] of [
      [1, 1, 4],
      [3, 3, 16],
      [5, 2, 5],
      [4, 7, 9],
      [300, 3, 16],
    ])
      for (const kk of [2, 3, 4, 5, 6, 7, 8, 11])
        for (const transA of [false, true])
          for (const special of SPECIALS) {
            const sa = m * kk + 1,
              sb = kk * n + 2;
            const a = data(rng, (nb - 1) * sa + m * kk, 1, 1, special),
              b = data(rng, (nb - 1) * sb + kk * n, 2, 1, special);
            const want = new Float64Array(nb * m * n).fill(9),
              got = new Float64Array(nb * m * n).fill(9);
            ts.rowsBatched(nb, m, n, kk, a, sa, transA, b, sb, want);
            k.rowsBatched(nb, m, n, kk, a, sa, transA, b, sb, got);
            const what = `rowsBatched nb=${nb} m=${m} n=${n} k=${kk} transA=${transA} special=${special}`;
            assertSame(got, want, what);
            if (special === 0)
              for (let q = 0; q < nb; q++)
                for (let i = 0; i < m; i++)
                  for (let j = 0; j < n; j++) {
                    let s = 0;
                    for (let p = 0; p < kk; p++)
                      s += a[q * sa + (transA ? p * m + i : i * kk + p)] * b[q * sb + p * n + j];
                    const w = want[(q * m + i) * n + j];
                    assert.ok(Math.abs(w - s) <= 1e-12 * (1 + Math.abs(s)), `${what}: the product's value`);
                  }
            checked++;
          }
  assert.ok(checked > 300);
  assert.throws(
    () =>
      raw(blas).rowsBatched(2, 2, 4, 2, new Float64Array(8), 4, false, new Float64Array(15), 8, new Float64Array(16)),
    /rowsBatched: operand too short/,
  );
});
