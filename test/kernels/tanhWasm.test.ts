/**
 * The WebAssembly tanh kernels (assembly/tanh.ts) give the plain loops' doubles bit for bit
 * (docs/performance.md §sgld-wasm-kernels): tanh on both sides of every branch point, on ±0, ±∞,
 * NaN, subnormals, on arbitrary bit patterns and on random arrays of every length parity and across
 * the arena's chunk boundary (the branching kernel and the block-split one, which lists the lanes
 * above 0.625 per block of 128 pairs); the fused bias + tanh against bias-then-tanh; the backward pass
 * g·(1 − y²); arrays copied through the shared instance's arena and arrays that live in an
 * instance's own memory (a compiled plan's buffers), worked on in place. Compared as raw 64-bit
 * patterns, so signed zeros and NaN payloads count.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { tanhLoop } from "../../src/core/kernels/tanh.ts";
import { tanhBackwardLoop } from "../../src/core/kernels/fused.ts";
import { type TanhWasm, tanhWasm, tanhWasmWithRoom } from "../../src/core/kernels/tanhWasm.ts";

const shared = tanhWasm();
assert.ok(shared !== null, "tanh.wasm is built (npm run build)");
const wasm: TanhWasm = shared;
const EPS = 2 ** -52;

function assertSameBits(got: Float64Array, want: Float64Array, input: Float64Array, what: string): void {
  assert.equal(got.length, want.length);
  const g = new BigUint64Array(got.buffer, got.byteOffset, got.length),
    w = new BigUint64Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < g.length; i++)
    if (g[i] !== w[i]) assert.fail(`${what}: element ${i} (x = ${input[i]}): ${got[i]} instead of ${want[i]}`);
}

/** An instance with room for the split kernel's operands (it works on arrays in its memory only). */
const ownOrNull = tanhWasmWithRoom(2 * 50_016);
assert.ok(ownOrNull !== null);
const own: TanhWasm = ownOrNull;
const room = (n: number): Float64Array => {
  const v = own.alloc(n);
  assert.ok(v !== null, "the instance has room for the operands");
  return v;
};
const splitIn = room(50_008),
  splitOut = room(50_008);

function checkTanh(xs: Float64Array, what: string): void {
  const want = new Float64Array(xs.length),
    got = new Float64Array(xs.length);
  tanhLoop(xs, want);
  wasm.tanh(xs, got);
  assertSameBits(got, want, xs, what);
  const inPlace = xs.slice();
  wasm.tanh(inPlace, inPlace);
  assertSameBits(inPlace, want, xs, `${what} (in place)`);
  // The block-split kernel, into another array and in place, at an odd element offset too.
  for (const shift of [0, 1]) {
    const n = xs.length,
      x = splitIn.subarray(shift, shift + n),
      y = splitOut.subarray(shift, shift + n);
    x.set(xs);
    own.tanhSplitAt(own.offsetOf(x), own.offsetOf(y), n);
    assertSameBits(y, want, xs, `${what} (split, shift ${shift})`);
    own.tanhSplitAt(own.offsetOf(x), own.offsetOf(x), n);
    assertSameBits(x, want, xs, `${what} (split in place, shift ${shift})`);
  }
}

test("wasm tanh: both sides of 0.625 and 22, ±0, ±∞, NaN and subnormals, bit for bit", () => {
  const points: number[] = [0, -0, Infinity, -Infinity, NaN, -NaN, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300];
  for (const b of [0.625, 22, 0.5 * Math.LN2, 1, 0.001])
    for (let k = -4; k <= 4; k++) for (const s of [-1, 1]) points.push(s * (b + k * b * EPS));
  for (const x of [1e-8, 0.1, 0.3, 0.6, 0.7, 2, 10, 19.99, 21.99, 22.01, 30, 700, 1e300]) points.push(x, -x);
  const xs = Float64Array.from(points);
  checkTanh(xs, "edge points");
  // every pairing of two edge points in one lane pair (the kernel branches per pair)
  const pairs = new Float64Array(2 * xs.length * xs.length);
  for (let i = 0; i < xs.length; i++)
    for (let j = 0; j < xs.length; j++) {
      pairs[2 * (i * xs.length + j)] = xs[i];
      pairs[2 * (i * xs.length + j) + 1] = xs[j];
    }
  checkTanh(pairs, "pairs of edge points");
});

test("wasm tanh: arbitrary bit patterns (every exponent, NaN payloads) match bit for bit", () => {
  const rng = new FastNormal(31);
  const bits = new Uint32Array(2 * 50_000);
  for (let i = 0; i < bits.length; i++) bits[i] = rng.nextInt32() >>> 0;
  checkTanh(new Float64Array(bits.buffer), "bit patterns");
});

test("wasm tanh: random arrays of every scale, odd lengths and across the arena's chunks", () => {
  const rng = new FastNormal(32);
  for (const scale of [1e-3, 0.3, 0.625, 1, 3, 10, 25])
    for (const n of [1, 2, 3, 31, 32, 33, 1023, 1024, 8191, 8193, 20_001]) {
      const xs = rng.fill(new Float64Array(n), scale);
      checkTanh(xs, `scale ${scale}, n ${n}`);
    }
});

test("wasm bias + tanh equals the bias add followed by tanh, bit for bit", () => {
  const rng = new FastNormal(33);
  for (const [rows, n] of [
    [32, 32],
    [5, 7],
    [1, 1],
    [3, 9000],
    [100, 200],
    [2000, 3],
  ]) {
    const x = rng.fill(new Float64Array(rows * n), 1.5),
      b = rng.fill(new Float64Array(n), 0.5);
    const want = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) want[r * n + j] = x[r * n + j] + b[j];
    tanhLoop(want, want);
    const got = x.slice();
    wasm.biasTanh(got, b, rows, n);
    assertSameBits(got, want, x, `${rows}×${n}`);
  }
});

test("wasm tanh backward g·(1 − y²) equals the plain loop, bit for bit, also in place", () => {
  const rng = new FastNormal(34);
  for (const n of [1, 2, 33, 1024, 8193, 20_000]) {
    const g = rng.fill(new Float64Array(n)),
      y = new Float64Array(n);
    tanhLoop(rng.fill(new Float64Array(n), 2), y);
    y[0] = n > 1 ? -0 : y[0];
    const want = new Float64Array(n);
    tanhBackwardLoop(g, y, want);
    const got = new Float64Array(n);
    wasm.backward(g, y, got);
    assertSameBits(got, want, y, `n ${n}`);
    const gIn = g.slice();
    wasm.backward(gIn, y, gIn);
    assertSameBits(gIn, want, y, `n ${n} (into g)`);
  }
});

test("arrays allocated in an instance's memory are worked on in place, with the same bits", () => {
  const rng = new FastNormal(35);
  const n = 1001;
  const tw = tanhWasmWithRoom(4 * n);
  assert.ok(tw !== null);
  const x = tw.alloc(n),
    g = tw.alloc(n),
    dx = tw.alloc(n);
  assert.ok(x !== null && g !== null && dx !== null);
  assert.equal(tw.alloc(10 * n), null, "an allocation beyond the room is refused");
  const xs = rng.fill(new Float64Array(n), 1.2);
  x.set(xs);
  const want = new Float64Array(n);
  tanhLoop(xs, want);
  tw.tanh(x, x);
  assertSameBits(x, want, xs, "in place");
  g.set(rng.fill(new Float64Array(n)));
  const wantDx = new Float64Array(n);
  tanhBackwardLoop(g, x, wantDx);
  tw.backward(g, x, dx);
  assertSameBits(dx, wantDx, x, "backward in place");
  const b = rng.fill(new Float64Array(7));
  x.set(xs);
  const wantB = new Float64Array(n);
  for (let i = 0; i < 143 * 7; i++) wantB[i] = xs[i] + b[i % 7];
  tanhLoop(wantB.subarray(0, 1001), wantB);
  tw.biasTanh(x, b, 143, 7);
  assertSameBits(x, wantB, xs, "bias + tanh in place");
});
