/**
 * The softmax kernels (docs/performance.md §streaming-kernels): the native exp and log (fdlibm's,
 * as V8 computes Math.exp and Math.log) return Math.exp's and Math.log's bits — on a million
 * arbitrary 64-bit patterns each and on the edge cases of their branches —; the native softmax,
 * log-softmax, its backward and the fused cross-entropy return the TypeScript kernels' bits; and
 * the TypeScript cross-entropy kernel returns the eager loss's value and gradient bits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nativeStream, NATIVE_SOFTMAX_MIN } from "../../src/core/backends/gemm/nativeBlas.ts";
import { typescriptStream as ts } from "../../src/core/kernels/stream.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { xent } from "../../src/nn/losses.ts";
import { assertSame, data, nativeOrSkip, raw } from "./streamHelpers.ts";

const bits = new BigUint64Array(1);
const asF64 = new Float64Array(bits.buffer);
const fromBits = (u: bigint): number => ((bits[0] = u), asF64[0]);
const toBits = (x: number): bigint => ((asF64[0] = x), bits[0]);
/** The doubles within `n` ulps of x (same sign, finite or not), x included. */
function around(x: number, n: number): number[] {
  const out: number[] = [];
  const u = toBits(x);
  for (let d = -n; d <= n; d++) {
    const v = u + BigInt(d);
    if (v >= 0n && v < 1n << 64n && v >> 63n === u >> 63n) out.push(fromBits(v));
  }
  return out;
}

/** n doubles with arbitrary 64-bit patterns (NaNs, infinities, subnormals and all exponents included). */
function patterns(rng: FastNormal, n: number): Float64Array {
  const x = new Float64Array(n);
  const w = new Int32Array(x.buffer);
  for (let i = 0; i < w.length; i++) w[i] = rng.nextInt32();
  return x;
}

function uniform(rng: FastNormal, n: number, lo: number, hi: number): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * rng.uniform();
  return x;
}

function assertMatchesMath(
  f: (x: Float64Array, out: Float64Array) => void,
  math: (x: number) => number,
  x: Float64Array,
  what: string,
): void {
  const out = new Float64Array(x.length);
  f(x, out);
  for (let i = 0; i < x.length; i++) {
    const want = math(x[i]);
    if (!Object.is(out[i], want))
      assert.fail(`${what}: x = ${x[i]} (0x${toBits(x[i]).toString(16)}): native ${out[i]}, Math ${want}`);
  }
}

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308];
const LN2 = Math.LN2;

test("native exp returns Math.exp's bits: 10⁶ arbitrary bit patterns, ranges and the edge cases of every branch", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const expInto = blas.expInto;
  assert.ok(expInto, "the addon has no expInto");
  const rng = new FastNormal(0xe4b);
  assertMatchesMath(expInto, Math.exp, patterns(rng, 1_000_000), "exp, bit patterns");
  assertMatchesMath(expInto, Math.exp, uniform(rng, 200_000, -750, 750), "exp on [−750, 750]");
  assertMatchesMath(expInto, Math.exp, uniform(rng, 200_000, -2, 2), "exp on [−2, 2]");
  assertMatchesMath(expInto, Math.exp, uniform(rng, 100_000, -1e-6, 1e-6), "exp on [−1e-6, 1e-6]");
  const edge: number[] = [...SPECIAL, 1, -1, Number.MAX_VALUE, -Number.MAX_VALUE];
  // The overflow and underflow thresholds, |x| = 709.78… where the filter starts, 2⁻²⁸ (below it
  // exp(x) = 1 + x), ln2/2 and 3·ln2/2 (the k = 0 and k = ±1 branches), k·ln2/2 for every k whose
  // result is finite (the rounding of k), k = 1024 and k ≤ −1021 (the two scalings).
  for (const x of [709.782712893384, -745.1332191019411, 709.7822265625, 2 ** -28, 0.5 * LN2, 1.5 * LN2, 1024 * LN2])
    for (const s of [1, -1]) edge.push(...around(s * x, 40));
  for (let k = -2160; k <= 2050; k++) edge.push(...around((k * LN2) / 2, 3));
  edge.push(...around(-1021 * LN2, 40), ...around(-1022.5 * LN2, 40), ...around(-708.3964185322641, 40));
  edge.push(
    ...around(2 ** -30, 3),
    ...around(-(2 ** -30), 3),
    ...around(2 ** -1000, 3),
    ...around(1, 5),
    ...around(-1, 5),
  );
  assertMatchesMath(expInto, Math.exp, Float64Array.from(edge), "exp, edge cases");
});

test("native log returns Math.log's bits: 10⁶ arbitrary bit patterns, positive ones, and the edge cases", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const logInto = blas.logInto;
  assert.ok(logInto, "the addon has no logInto");
  const rng = new FastNormal(0x10a);
  const x = patterns(rng, 1_000_000);
  assertMatchesMath(logInto, Math.log, x, "log, bit patterns");
  assertMatchesMath(logInto, Math.log, x.map(Math.abs), "log, positive bit patterns");
  assertMatchesMath(logInto, Math.log, uniform(rng, 200_000, 0, 20), "log on (0, 20]");
  assertMatchesMath(logInto, Math.log, uniform(rng, 100_000, 1 - 2 ** -19, 1 + 2 ** -19), "log near 1");
  const edge: number[] = [...SPECIAL, -1, Number.MAX_VALUE, Number.MIN_VALUE];
  // Around 1 (the |f| < 2⁻²⁰ series and f = 0), the powers of two (k ≠ 0 with f = 0), √2 and
  // √2/2 (the normalisation), the subnormals' scaling.
  for (const v of [1, Math.SQRT2, Math.SQRT1_2, 1 + 2 ** -20, 1 - 2 ** -20, 2 ** -1022, 2 ** -1030, 10])
    edge.push(...around(v, 60));
  for (let e = -1074; e <= 1023; e++) edge.push(...around(2 ** e, 2));
  assertMatchesMath(logInto, Math.log, Float64Array.from(edge.filter((v) => !(v < 0))), "log, edge cases");
});

/** Logits rows × C at `scale` with the edge values mixed in (one in `special`), in a larger buffer. */
const logits = (rng: FastNormal, n: number, scale: number, special: number) => data(rng, n, n % 3, scale, special);

const SHAPES: [number, number][] = [
  [1, 1],
  [1, 10],
  [3, 2],
  [4, 8],
  [7, 10],
  [16, 33],
  [128, 10],
  [5, 1000],
];

test("native softmax, log-softmax, its backward and the cross-entropy seed equal the TypeScript kernels bit for bit", (t) => {
  const blas = nativeOrSkip(t);
  if (blas === null) return;
  const rng = new FastNormal(0x5f7);
  for (const impl of [raw(blas), nativeStream(blas)!]) {
    for (const [rows, C] of SHAPES) {
      const n = rows * C;
      // Plain logits; large ones (exp under- and overflow after the shift); edge values mixed in.
      for (const [scale, special] of [
        [1, 0],
        [300, 0],
        [3, 1 / 8],
      ]) {
        const z = logits(rng, n, scale, special);
        for (const kernel of ["softmaxRows", "logSoftmaxRows"] as const) {
          const want = new Float64Array(n),
            got = new Float64Array(n);
          ts[kernel](z, rows, C, want);
          impl[kernel](z, rows, C, got);
          assertSame(got, want, `${kernel} ${rows}×${C} scale ${scale}`);
          const over = z.slice();
          impl[kernel](over, rows, C, over);
          assertSame(over, want, `${kernel} in place ${rows}×${C}`);
        }
        const y = new Float64Array(n);
        ts.logSoftmaxRows(z, rows, C, y);
        const g = logits(rng, n, 1, special);
        const want = new Float64Array(n),
          got = new Float64Array(n);
        ts.logSoftmaxBackward(g, y, rows, C, want);
        impl.logSoftmaxBackward(g, y, rows, C, got);
        assertSame(got, want, `logSoftmaxBackward ${rows}×${C}`);
        // The cross-entropy, batch mean and per row.
        const labels = Float64Array.from({ length: rows }, () => Math.floor(rng.uniform() * C));
        for (const perRow of [false, true]) {
          const [lw, lg] = [new Float64Array(n), new Float64Array(n)];
          const [gw, gg] = [new Float64Array(n), new Float64Array(n)];
          const [pw, pg] = perRow ? [new Float64Array(rows), new Float64Array(rows)] : [null, null];
          const vw = ts.xentSeed(z, labels, rows, C, lw, gw, pw);
          const vg = impl.xentSeed(z, labels, rows, C, lg, gg, pg);
          const what = `xentSeed ${rows}×${C} scale ${scale}${perRow ? " per row" : ""}`;
          assert.ok(Object.is(vg, vw), `${what}: value ${vg} vs ${vw}`);
          assertSame(lg, lw, `${what}: log-probabilities`);
          assertSame(gg, gw, `${what}: seed`);
          if (pw && pg) assertSame(pg, pw, `${what}: per-row losses`);
        }
      }
    }
  }
  assert.ok(
    SHAPES.some(([r, c]) => r * c < NATIVE_SOFTMAX_MIN) && SHAPES.some(([r, c]) => r * c >= NATIVE_SOFTMAX_MIN),
  );
});

test("the cross-entropy kernel returns the eager xent's value and gradient bit for bit; bad labels throw its error", (t) => {
  const rng = new FastNormal(0xce);
  const blas = nativeOrSkip({ skip: () => undefined }); // null without the addon: the TypeScript kernel alone
  const impls = blas === null ? [ts] : [ts, nativeStream(blas)!];
  for (const [rows, C] of SHAPES) {
    const n = rows * C;
    for (const scale of [1, 40]) {
      const z = logits(rng, n, scale, 0).slice();
      const labels = Float64Array.from({ length: rows }, () => Math.floor(rng.uniform() * C));
      const vg = valueAndGrad((zz: Tensor) => xent(zz, new Tensor(labels, [rows])));
      const { value, grad } = vg(new Tensor(z, [rows, C]));
      for (const k of impls) {
        const gz = new Float64Array(n);
        const v = k.xentSeed(z, labels, rows, C, new Float64Array(n), gz, null);
        assert.ok(Object.is(v, value.data[0]), `${rows}×${C}: value ${v} vs eager ${value.data[0]}`);
        assertSame(gz, grad.data, `${rows}×${C} gradient`);
      }
    }
  }
  for (const k of impls) {
    const z = new Float64Array(40);
    assert.throws(
      () => k.xentSeed(z, Float64Array.of(0, 1, 10, 2), 4, 10, new Float64Array(40), new Float64Array(40), null),
      { message: "xent: label 10 at position 2 is not a class in [0, 10)" },
    );
  }
  if (blas !== null) {
    const a = new Float64Array(40);
    assert.throws(() => raw(blas).xentSeed(a, new Float64Array(4), 4, 10, a.subarray(0), a, null), /must differ/);
  } else t.diagnostic("native BLAS not available: only the TypeScript kernel checked");
});
