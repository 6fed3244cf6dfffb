/**
 * The streaming kernels (docs/performance.md §streaming-kernels): the native ones of the OpenBLAS
 * addon return the TypeScript ones' bits exactly — on random data with NaN, ±0, ±∞, subnormals and
 * huge values mixed in, on every length around the vector widths, on views at odd offsets and in
 * place — and the TypeScript ones agree with their definitions.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nativeStream, NATIVE_STREAM_MIN } from "../../src/core/backends/gemm/nativeBlas.ts";
import { typescriptStream as ts } from "../../src/core/kernels/stream.ts";
import { reduceAxes } from "../../src/core/kernels/reduce.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { assertSame, data, LENGTHS, nativeOrSkip, raw } from "./streamHelpers.ts";

test("native streaming kernels equal the TypeScript ones bit for bit", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(16);
  let checked = 0;
  for (const impl of [raw(blas), nativeStream(blas)!]) {
    for (const n of LENGTHS) {
      const off = n % 3; // views starting at odd element offsets
      // sgd, out-of-place and in place, without and with weight decay (small and large steps).
      for (const wd of [0, 0.01, 3]) {
        for (const lr of [0.01, 0.37, 1e300]) {
          const th = data(rng, n, off),
            g = data(rng, n, off + 1, 1e-3);
          const want = new Float64Array(n),
            got = new Float64Array(n);
          ts.sgd(th, g, want, lr, wd);
          impl.sgd(th, g, got, lr, wd);
          assertSame(got, want, `sgd n=${n} lr=${lr} wd=${wd}`);
          const inPlace = th.slice();
          impl.sgd(inPlace, g, inPlace, lr, wd);
          assertSame(inPlace, want, `sgd in place n=${n}`);
          checked++;
        }
      }
      // relu's mask, out-of-place and over g itself.
      const g = data(rng, n, off),
        x = data(rng, n, off + 2);
      const want = new Float64Array(n),
        got = new Float64Array(n);
      ts.reluMask(g, x, want);
      impl.reluMask(g, x, got);
      assertSame(got, want, `reluMask n=${n}`);
      const over = g.slice();
      impl.reluMask(over, x, over);
      assertSame(over, want, `reluMask in place n=${n}`);
      // tanh's derivative from its output (y in [−1, 1] as well as the specials), and over g itself.
      const y = data(rng, n, off + 1).map((v) => (Number.isFinite(v) && Math.abs(v) > 1 ? Math.tanh(v) : v));
      const tw = new Float64Array(n),
        tg = new Float64Array(n);
      ts.tanhMask(g, y, tw);
      impl.tanhMask(g, y, tg);
      assertSame(tg, tw, `tanhMask n=${n}`);
      const tOver = g.slice();
      impl.tanhMask(tOver, y, tOver);
      assertSame(tOver, tw, `tanhMask in place n=${n}`);
      // acc + x over the first n elements of longer arrays (the rest untouched).
      const acc = data(rng, n + 2, off),
        xs = data(rng, n + 1, 0);
      const accWant = acc.slice(),
        accGot = acc.slice();
      ts.addTo(accWant, xs, n);
      impl.addTo(accGot, xs, n);
      assertSame(accGot, accWant, `addTo n=${n}`);
      // bias + activation and column sums on rows × cols with cols = n.
      for (const rows of [1, 3, 8]) {
        const out0 = data(rng, rows * n, off),
          b = data(rng, n, 1);
        for (const relu of [false, true]) {
          const w = out0.slice(),
            o = out0.slice();
          ts.biasAct(w, b, rows, n, relu);
          impl.biasAct(o, b, rows, n, relu);
          assertSame(o, w, `biasAct rows=${rows} n=${n} relu=${relu}`);
        }
        const sw = new Float64Array(n).fill(7),
          so = new Float64Array(n).fill(7); // stale contents are overwritten
        ts.colSums(out0, rows, n, sw);
        impl.colSums(out0, rows, n, so);
        assertSame(so, sw, `colSums rows=${rows} n=${n}`);
        checked += 3;
      }
    }
  }
  assert.ok(checked > 500);
});

test("native streaming kernels reject wrong operands instead of reading past them", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const k = raw(blas);
  const a = new Float64Array(6);
  assert.throws(() => k.biasAct(a, new Float64Array(3), 3, 3, true), /biasAct: operand too short/);
  assert.throws(() => k.biasAct(a, new Float64Array(2), 2, 3, true), /biasAct: operand too short/);
  assert.throws(() => k.colSums(a, 2, 4, new Float64Array(4)), /colSums: operand too short/);
  assert.throws(() => k.reluMask(new Float64Array(5), a, a), /reluMask: operand too short/);
  assert.throws(() => k.tanhMask(a, a, new Float64Array(5)), /tanhMask: operand too short/);
  assert.throws(() => k.sgd(a, new Float64Array(5), a, 0.1, 0), /sgd: operand too short/);
  assert.throws(
    () => k.sgd(new Float32Array(6) as unknown as Float64Array, a, a, 0.1, 0),
    /sgd: expected \(th, g, out: Float64Array, lr, wd: number\)/,
  );
  assert.throws(() => k.colSums(a, -1, 2, a), /colSums: expected/);
  assert.throws(() => k.addTo(a, new Float64Array(3), 4), /addTo: operand too short/);
});

test("the cut-off: short arrays stay in TypeScript, long ones go native, with the same bits", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const k = nativeStream(blas)!;
  const rng = new FastNormal(3);
  for (const n of [NATIVE_STREAM_MIN - 1, NATIVE_STREAM_MIN]) {
    const th = data(rng, n, 0),
      g = data(rng, n, 0);
    const want = new Float64Array(n),
      got = new Float64Array(n);
    ts.sgd(th, g, want, 0.05, 0);
    k.sgd(th, g, got, 0.05, 0);
    assertSame(got, want, `sgd n=${n}`);
  }
});

test("TypeScript streaming kernels match their definitions", () => {
  const rng = new FastNormal(4);
  const rows = 5,
    n = 7;
  const a = data(rng, rows * n, 0),
    b = data(rng, n, 0);
  // Column sums from zero, rows in order (a column of −0 sums to +0, as 0 + −0 does), and the bias
  // gradient of the eager path (reduceAxes over the rows) is that sum.
  const sums = new Float64Array(n);
  ts.colSums(a, rows, n, sums);
  assertSame(sums, Float64Array.from(colSumsOf(a, rows, n)), "colSums");
  assertSame(reduceAxes(a, [rows, n], [0], "sum"), sums, "reduceAxes over rows");
  const negZero = new Float64Array(2 * n).fill(-0);
  ts.colSums(negZero, 2, n, sums);
  assert.ok(sums.every((v) => Object.is(v, 0)));
  const o = a.slice();
  ts.biasAct(o, b, rows, n, true);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < n; j++) {
      const v = a[r * n + j] + b[j];
      assert.ok(Object.is(o[r * n + j], v > 0 ? v : 0));
    }
  const ct = data(rng, rows * n, 0),
    m = new Float64Array(rows * n);
  ts.reluMask(ct, a, m);
  for (let i = 0; i < m.length; i++) assert.ok(Object.is(m[i], a[i] > 0 ? ct[i] : 0));
  const tm = new Float64Array(rows * n);
  ts.tanhMask(ct, a, tm);
  for (let i = 0; i < tm.length; i++) assert.ok(Object.is(tm[i], ct[i] * (1 - a[i] * a[i])));
  const acc = data(rng, 9, 0),
    x = data(rng, 9, 0),
    sum = acc.slice();
  ts.addTo(sum, x, 8);
  for (let i = 0; i < 9; i++) assert.ok(Object.is(sum[i], i < 8 ? acc[i] + x[i] : acc[i]));
  const th = data(rng, 9, 0),
    g = data(rng, 9, 0),
    out = new Float64Array(9);
  ts.sgd(th, g, out, 0.1, 0.5);
  for (let i = 0; i < 9; i++) assert.ok(Object.is(out[i], th[i] - 0.1 * (g[i] + 0.5 * th[i])));
});

function colSumsOf(a: Float64Array, rows: number, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) out[j] += a[r * n + j];
  return out;
}
