// tanh and its backward pass over f64 arrays, two lanes at a time (compiled by
// scripts/build-wasm.mjs to dist/wasm/tanh.wasm; loader: src/core/kernels/tanhWasm.ts).
//
// The arithmetic is that of tanhInto (src/core/kernels/tanh.ts), operation for operation and in
// the same order, so every result is the same double: WebAssembly's f64 operations are correctly
// rounded and never fused, as are V8's. What differs is control flow: the scalar loop branches
// on |x| < 0.625 and |x| < 22, and those branches are mispredicted on pre-activations of random
// size; here each lane pair evaluates both forms and selects per lane. Both forms end in one
// division, so the numerator and denominator are selected first and divided once. 2^k is built
// from its exponent bits (exact for the k ∈ [2, 64) of the exp branch; other lanes' k are
// discarded by the selection). The result is copysign(t, x) (which gives ±0 for x = ±0), except
// x itself where x is NaN (the scalar loop returns x there).
//
// Operands are f64 arrays at byte offsets in this module's memory; out may equal x.

const P0: f64 = 1.26177193074810590878e-4,
  P1: f64 = 3.029944077074419613e-2,
  P2: f64 = 9.9999999999999999991e-1;
const Q0: f64 = 3.00198505138664455042e-6,
  Q1: f64 = 2.52448340349684104192e-3,
  Q2: f64 = 2.27265548208155028766e-1,
  Q3: f64 = 2.00000000000000000009;
const LOG2E: f64 = 1.4426950408889634073599;
const LN2_HI: f64 = 6.93145751953125e-1,
  LN2_LO: f64 = 1.42860682030941723212e-6;
const TP0: f64 = -9.64399179425052238628e-1,
  TP1: f64 = -9.92877231001918586564e1,
  TP2: f64 = -1.61468768441708447952e3;
const TQ0: f64 = 1.12811678491632931402e2,
  TQ1: f64 = 2.23548839060100448583e3,
  TQ2: f64 = 4.84406305325125486048e3;

// @ts-ignore: decorator
@inline function sp(v: f64): v128 { return f64x2.splat(v); }

/** Both lanes with |x| < 0.625: z + z·s·(P(s)/Q(s)), s = z². */
// @ts-ignore: decorator
@inline function rational(z: v128): v128 {
  const s = f64x2.mul(z, z);
  const num = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(sp(TP0), s), sp(TP1)), s), sp(TP2));
  const den = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s, sp(TQ0)), s), sp(TQ1)), s), sp(TQ2));
  return f64x2.add(z, f64x2.mul(f64x2.mul(z, s), f64x2.div(num, den)));
}

/**
 * Lanes with 0.625 ≤ |x|: e = e^{2z} = (1 + 2·px/(Q(r²) − px))·2^k with r = 2z − k ln 2, and
 * t = 1 − 2/(e + 1); 1 where z ≥ 22. `small` marks lanes whose result is tR instead, for which
 * the one division takes the rational form's numerator and denominator (numR, denR).
 */
// @ts-ignore: decorator
@inline function expForm(z: v128, small: v128, numR: v128, denR: v128, s: v128): v128 {
  const w = f64x2.mul(sp(2.0), z);
  const k = f64x2.floor(f64x2.add(f64x2.mul(sp(LOG2E), w), sp(0.5)));
  const r = f64x2.sub(f64x2.sub(w, f64x2.mul(k, sp(LN2_HI))), f64x2.mul(k, sp(LN2_LO)));
  const rr = f64x2.mul(r, r);
  const px = f64x2.mul(r, f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(sp(P0), rr), sp(P1)), rr), sp(P2)));
  const qx = f64x2.add(
    f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(sp(Q0), rr), sp(Q1)), rr), sp(Q2)), rr),
    sp(Q3),
  );
  const q = f64x2.div(v128.bitselect(numR, px, small), v128.bitselect(denR, f64x2.sub(qx, px), small));
  // 2^k from its exponent field, (k + 1023) << 52: exact for the k ∈ [2, 64) of these lanes.
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const pow2 = i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
  const e = f64x2.mul(f64x2.add(sp(1.0), f64x2.mul(sp(2.0), q)), pow2);
  const tE = v128.bitselect(f64x2.sub(sp(1.0), f64x2.div(sp(2.0), f64x2.add(e, sp(1.0)))), sp(1.0), f64x2.lt(z, sp(22.0)));
  return v128.bitselect(f64x2.add(z, f64x2.mul(f64x2.mul(z, s), q)), tE, small);
}

/**
 * tanh of both lanes of x, bit for bit tanhInto's. Pairs whose lanes fall on the same side of
 * 0.625 evaluate one form only (the branch is well predicted on the pre-activations of a
 * network, mostly below 0.625); mixed pairs evaluate both and select.
 */
// @ts-ignore: decorator
@inline function tanh2(x: v128): v128 {
  const z = f64x2.abs(x);
  const small = f64x2.lt(z, sp(0.625));
  // copysign(t, x) restores the sign (t ≥ +0; x = ±0 gives t = +0 in the rational form).
  const sign = v128.and(x, sp(-0.0));
  // Both lanes below 0.625 (never NaN): the rational form alone.
  if (i64x2.all_true(small)) return v128.or(rational(z), sign);
  let numR = sp(0.0),
    denR = sp(1.0),
    s = sp(0.0);
  if (v128.any_true(small)) {
    s = f64x2.mul(z, z);
    numR = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(sp(TP0), s), sp(TP1)), s), sp(TP2));
    denR = f64x2.add(f64x2.mul(f64x2.add(f64x2.mul(f64x2.add(s, sp(TQ0)), s), sp(TQ1)), s), sp(TQ2));
  }
  const signed = v128.or(expForm(z, small, numR, denR, s), sign);
  // NaN lanes: x itself, as the scalar loop returns it.
  const keep = f64x2.ne(x, x);
  return v128.bitselect(x, signed, keep);
}

/**
 * out[i] = tanh(x[i]) for i < n. Returns the number of lane pairs not both below 0.625 (the
 * pairs that took tanh2's second branch), from which a caller may choose tanhSplit instead.
 */
export function tanh(x: usize, out: usize, n: i32): i32 {
  const end = x + (<usize>n << 3);
  const d = out - x;
  let p = x;
  let mixed: i32 = 0;
  for (; p + 16 <= end; p += 16) {
    const v = v128.load(p);
    mixed += <i32>!i64x2.all_true(f64x2.lt(f64x2.abs(v), sp(0.625)));
    v128.store(p + d, tanh2(v));
  }
  if (p < end) f64.store(p + d, f64x2.extract_lane(tanh2(f64x2.splat(f64.load(p))), 0));
  return mixed;
}

/** Scratch below the loaders' arenas: a block's lanes with |x| ≥ 0.625, as byte offsets and inputs. */
const LIST: usize = 1024,
  VALS: usize = 2048,
  BLOCK_BYTES: usize = 128 * 16;

/**
 * tanh as `tanh` computes it, without a data-dependent branch per lane pair: each block of 128
 * pairs is first written with the rational form (the lanes with |x| ≥ 0.625 listed, branch-free,
 * with their inputs), then the listed lanes are overwritten by the exp form, two at a time. Each
 * lane gets the operations tanh2 gives it (the lanes of a vector never mix), so the doubles are
 * the same; it saves the mispredicted branches of pairs with one lane on each side of 0.625, and
 * costs a little more where almost every pair lies below. Returns the number of listed lanes.
 */
export function tanhSplit(x: usize, out: usize, n: i32): i32 {
  const end = x + (<usize>n << 3);
  const pairsEnd = x + ((<usize>n >> 1) << 4);
  const d = out - x;
  let p = x;
  let listed: i32 = 0;
  while (p < pairsEnd) {
    const stop = min(p + BLOCK_BYTES, pairsEnd);
    let cnt: usize = 0;
    for (; p < stop; p += 16) {
      const v = v128.load(p);
      const z = f64x2.abs(v);
      const r = v128.or(rational(z), v128.and(v, sp(-0.0)));
      // NaN lanes: x itself, as the scalar loop returns it (never listed: NaN ≥ 0.625 is false).
      v128.store(p + d, v128.bitselect(v, r, f64x2.ne(v, v)));
      const big = i64x2.bitmask(f64x2.ge(z, sp(0.625)));
      store<usize>(LIST + (cnt << 2), p);
      store<f64>(VALS + (cnt << 3), f64x2.extract_lane(v, 0));
      cnt += big & 1;
      store<usize>(LIST + (cnt << 2), p + 8);
      store<f64>(VALS + (cnt << 3), f64x2.extract_lane(v, 1));
      cnt += big >> 1;
    }
    for (let k: usize = 0; k < cnt; k += 2) {
      // A lone last lane is paired with itself (both lanes then store the same value).
      const k1 = k + 1 < cnt ? k + 1 : k;
      const v = f64x2.replace_lane(f64x2.splat(load<f64>(VALS + (k << 3))), 1, load<f64>(VALS + (k1 << 3)));
      const t = v128.or(expForm(f64x2.abs(v), sp(0.0), sp(0.0), sp(1.0), sp(0.0)), v128.and(v, sp(-0.0)));
      f64.store(load<usize>(LIST + (k << 2)) + d, f64x2.extract_lane(t, 0));
      f64.store(load<usize>(LIST + (k1 << 2)) + d, f64x2.extract_lane(t, 1));
    }
    listed += <i32>cnt;
  }
  if (p < end) f64.store(p + d, f64x2.extract_lane(tanh2(f64x2.splat(f64.load(p))), 0));
  return listed;
}

/** x[r·n + j] = tanh(x[r·n + j] + b[j]) (rows × n, in place): a linear layer's bias and activation. */
export function biasTanh(x: usize, b: usize, rows: i32, n: i32): void {
  const rowBytes = <usize>n << 3;
  for (let r: i32 = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    let j: usize = 0;
    for (; j + 16 <= rowBytes; j += 16) v128.store(row + j, tanh2(f64x2.add(v128.load(row + j), v128.load(b + j))));
    if (j < rowBytes) {
      const v = f64x2.splat(f64.load(row + j) + f64.load(b + j));
      f64.store(row + j, f64x2.extract_lane(tanh2(v), 0));
    }
  }
}

/** dx[i] = g[i]·(1 − y[i]²): tanh's backward pass from its output y (dx may be g or y). */
export function tanhBackward(g: usize, y: usize, dx: usize, n: i32): void {
  const bytes = <usize>n << 3;
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) {
    const v = v128.load(y + i);
    v128.store(dx + i, f64x2.mul(v128.load(g + i), f64x2.sub(sp(1.0), f64x2.mul(v, v))));
  }
  if (i < bytes) {
    const v = f64.load(y + i);
    f64.store(dx + i, f64.load(g + i) * (1.0 - v * v));
  }
}
