// The normal deviates of up to four independent generators at once (part of langevin.wasm; loader
// src/optim/langevinWasm.ts; docs/performance.md §sgld-wasm-kernels). Each stream is exactly
// FastNormal.fill's (src/core/kernels/rng.ts) from a fresh generator: xoshiro128** words, a
// ziggurat of 128 layers whose index is a byte of a separate word, the tail and wedge from the
// same words. The generator is one serial chain of a few integer operations per word, so one
// stream cannot go faster than that chain; four streams of different keys have no dependence on
// each other, and their state updates run as one i32x4 chain here (lane j = stream j, the same
// operations per lane as the scalar step). The words are written into a buffer first, then each
// stream's deviates are formed from its column of words, in the stream's own order: what the
// ziggurat consumes per deviate (1 word, a layer word every fourth attempt, more on the slow
// path) never changes which word comes next, only which deviate it goes to. A column that runs
// out is refilled from that lane's state with the scalar step.
//
// The deviates are the same doubles as fill's: the same f64 operations in the same order (f64
// arithmetic is correctly rounded and never fused in WebAssembly and in V8), Math.log imported from
// the host for the tail. The wedge's Math.exp only decides a comparison: a short series settles
// it unless the two sides are within 2⁻⁴⁰ of each other, and only then is the host's called.

@external("env", "log") declare function hostLog(x: f64): f64;
@external("env", "exp") declare function hostExp(x: f64): f64;

const R: f64 = 3.442619855899;

/**
 * The wedge test's relative margin: expBound is within 2⁻⁴⁷ of e^t and Math.exp within an ulp,
 * so a comparison with lhs that expBound settles with this margin (128 times more) is settled the
 * same way by Math.exp.
 */
const WEDGE_MARGIN: f64 = 9.094947017729282e-13; // 2⁻⁴⁰

/**
 * e^t for −40 ≤ t ≤ 0 to a relative error below 2⁻⁴⁷ (the wedge's t = −x²/2 lies in
 * [−R²/2, 0]); used only to decide a comparison. t = k ln 2 + r with |r| ≤ ln 2 / 2, e^r by its
 * Taylor polynomial of degree 13 (truncation < 5·10⁻¹⁸) evaluated by Estrin's scheme (a few
 * dependent operations instead of Horner's thirteen), times 2^k built from its exponent bits.
 */
// @ts-ignore: decorator
@inline function expBound(t: f64): f64 {
  const k = nearest(t * 1.4426950408889634);
  const r = t - k * 0.6931471805599453;
  const r2 = r * r,
    r4 = r2 * r2;
  const s0 = 1.0 + r + r2 * (1.0 / 2.0 + r * (1.0 / 6.0)),
    s1 = 1.0 / 24.0 + r * (1.0 / 120.0) + r2 * (1.0 / 720.0 + r * (1.0 / 5040.0)),
    s2 = 1.0 / 40320.0 + r * (1.0 / 362880.0) + r2 * (1.0 / 3628800.0 + r * (1.0 / 39916800.0)),
    s3 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  const p = s0 + r4 * s1 + r4 * r4 * (s2 + r4 * s3);
  return p * reinterpret<f64>((<i64>k + 1023) << 52);
}
const TWO32: f64 = 4294967296.0;

/** Lane j's column (w words from col) refilled with the lane's next w words (the scalar step). */
function refill(state: usize, j: usize, col: usize, w: i32): void {
  const at = state + (j << 2);
  let s0 = load<i32>(at),
    s1 = load<i32>(at, 16),
    s2 = load<i32>(at, 32),
    s3 = load<i32>(at, 48);
  for (let k: i32 = 0; k < w; k++) {
    const t = s1 * 5;
    store<i32>(col + (<usize>k << 2), rotl<i32>(t, 7) * 9);
    const u = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s1 = s1 ^ n2;
    s0 = s0 ^ n3;
    s2 = n2 ^ u;
    s3 = rotl<i32>(n3, 11);
  }
  store<i32>(at, s0);
  store<i32>(at, s1, 16);
  store<i32>(at, s2, 32);
  store<i32>(at, s3, 48);
}

/**
 * Streams j < streams: n deviates each, scale·N(0, 1), into out + j·stride (bytes). state: four
 * v128 (s0, s1, s2, s3; lane j = stream j), left past the words generated, and 64 bytes of
 * scratch after them; words: four columns
 * of w words (w a multiple of 4, at least 8), lane j's from words + 4wj; kn (i32 × 128), wn, fn
 * (f64 × 128): the ziggurat's tables.
 */
export function normals(
  state: usize,
  words: usize,
  w: i32,
  streams: i32,
  kn: usize,
  wn: usize,
  fn: usize,
  out: usize,
  n: i32,
  stride: usize,
  scale: f64,
): void {
  const colBytes = <usize>w << 2;
  // Phase 1: w words of every lane, one i32x4 xoshiro128** step per row (the state in locals),
  // four rows at a time transposed into the lanes' columns (rows staged at state + 64).
  let s0 = v128.load(state),
    s1 = v128.load(state, 16),
    s2 = v128.load(state, 32),
    s3 = v128.load(state, 48);
  const five = i32x4.splat(5),
    nine = i32x4.splat(9);
  const rows = state + 64;
  for (let k: i32 = 0; k < w; k += 4) {
    for (let r: usize = 0; r < 64; r += 16) {
      const t = i32x4.mul(s1, five);
      v128.store(rows + r, i32x4.mul(v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25)), nine));
      const u = i32x4.shl(s1, 9);
      const n2 = v128.xor(s2, s0);
      const n3 = v128.xor(s3, s1);
      s1 = v128.xor(s1, n2);
      s0 = v128.xor(s0, n3);
      s2 = v128.xor(n2, u);
      s3 = v128.or(i32x4.shl(n3, 11), i32x4.shr_u(n3, 21));
    }
    const r0 = v128.load(rows),
      r1 = v128.load(rows, 16),
      r2 = v128.load(rows, 32),
      r3 = v128.load(rows, 48);
    const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5),
      t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7),
      t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5),
      t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
    const at = words + (<usize>k << 2);
    v128.store(at, v128.shuffle<i64>(t0, t2, 0, 2));
    v128.store(at + colBytes, v128.shuffle<i64>(t0, t2, 1, 3));
    v128.store(at + 2 * colBytes, v128.shuffle<i64>(t1, t3, 0, 2));
    v128.store(at + 3 * colBytes, v128.shuffle<i64>(t1, t3, 1, 3));
  }
  v128.store(state, s0);
  v128.store(state, s1, 16);
  v128.store(state, s2, 32);
  v128.store(state, s3, 48);
  const vScale = f64x2.splat(scale);
  // Phase 2: each stream's deviates from its column, fill's loop with the words read, not made.
  for (let j: i32 = 0; j < streams; j++) {
    const col = words + <usize>j * colBytes;
    const o = out + <usize>j * stride;
    let p: i32 = 0;
    let idx: i32 = 0,
      left: i32 = 0;
    let i: i32 = 0;
    while (i < n) {
      let hz: i32, iz: i32;
      if (i + 4 <= n && p + 8 <= w) {
        // Up to four attempts at once: with a layer word due (left = 0) its four, whose words are
        // h, L, h, h, h (the four low bytes of L are the layer indices); else the `left` attempts
        // still to come from idx, whose words are h, h, …. All four lanes' deviates are stored;
        // those up to the first attempt that fails the fast test are kept, and that attempt goes
        // on to the slow path with the generator where the scalar loop would have it.
        const at = col + (<usize>p << 2);
        const v0 = v128.load(at);
        const full = left == 0;
        const h4 = full ? v128.shuffle<i32>(v0, v128.load(at, 16), 0, 2, 3, 4) : v0;
        const bytes = full ? i32x4.extract_lane(v0, 1) : idx;
        const cnt = full ? 4 : left;
        const a = <usize>(bytes & 127),
          b = <usize>((bytes >>> 8) & 127),
          c = <usize>((bytes >>> 16) & 127),
          d = <usize>((bytes >>> 24) & 127);
        let bound = i32x4.splat(load<i32>(kn + (a << 2)));
        bound = i32x4.replace_lane(bound, 1, load<i32>(kn + (b << 2)));
        bound = i32x4.replace_lane(bound, 2, load<i32>(kn + (c << 2)));
        bound = i32x4.replace_lane(bound, 3, load<i32>(kn + (d << 2)));
        const wLo = f64x2.replace_lane(f64x2.splat(load<f64>(wn + (a << 3))), 1, load<f64>(wn + (b << 3)));
        const wHi = f64x2.replace_lane(f64x2.splat(load<f64>(wn + (c << 3))), 1, load<f64>(wn + (d << 3)));
        const hLo = f64x2.convert_low_i32x4_s(h4),
          hHi = f64x2.convert_low_i32x4_s(v128.shuffle<i32>(h4, h4, 2, 3, 2, 3));
        const dst = o + (<usize>i << 3);
        v128.store(dst, f64x2.mul(vScale, f64x2.mul(hLo, wLo)));
        v128.store(dst, f64x2.mul(vScale, f64x2.mul(hHi, wHi)), 16);
        // |hz| as unsigned: |−2³¹| = 2³¹ fails, as Math.abs(hz) < KN does (KN < 2³¹). Lanes past
        // cnt count as passed.
        const pass = i32x4.bitmask(i32x4.lt_u(i32x4.abs(h4), bound)) | ((15 << cnt) & 15);
        if (pass == 15) {
          i += cnt;
          p += full ? 5 : cnt;
          left = 0;
          continue;
        }
        const m = ctz<i32>(~pass); // the first attempt that fails (m < cnt)
        hz = load<i32>(at + (<usize>(full && m > 0 ? m + 1 : m) << 2));
        iz = (bytes >>> (m << 3)) & 127;
        i += m;
        p += full ? m + 2 : m + 1;
        left = cnt - m - 1;
        idx = m == 3 ? 0 : bytes >>> ((m + 1) << 3);
      } else {
        // One attempt of fill's loop.
        if (p == w) {
          refill(state, j, col, w);
          p = 0;
        }
        hz = load<i32>(col + (<usize>p << 2));
        p++;
        if (left == 0) {
          if (p == w) {
            refill(state, j, col, w);
            p = 0;
          }
          idx = load<i32>(col + (<usize>p << 2));
          p++;
          left = 4;
        }
        iz = idx & 127;
        idx = idx >>> 8;
        left--;
        const h = <f64>hz;
        if (abs<f64>(h) < <f64>load<i32>(kn + (<usize>iz << 2))) {
          store<f64>(o + (<usize>i << 3), scale * (h * load<f64>(wn + (<usize>iz << 3))));
          i++;
          continue;
        }
      }
      // The slow path: uniforms ((word >>> 0) + 0.5)/2³²; the tail takes words in pairs (x, y)
      // until y + y ≥ x²; the wedge takes one and, if it rejects, the next attempt draws again.
      let x: f64 = iz == 0 ? 0.0 : <f64>hz * load<f64>(wn + (<usize>iz << 3));
      for (let k: i32 = 0; ; k++) {
        if (p == w) {
          refill(state, j, col, w);
          p = 0;
        }
        const word = load<i32>(col + (<usize>p << 2));
        p++;
        const uni = (<f64>(<u32>word) + 0.5) / TWO32;
        if (iz != 0) {
          const f = load<f64>(fn + (<usize>iz << 3));
          const lhs = f + uni * (load<f64>(fn + (<usize>(iz - 1) << 3)) - f);
          const t = -0.5 * x * x;
          // The test needs only the comparison: expBound(t) decides it unless lhs lies within
          // a relative WEDGE_MARGIN of it; only then does the host's Math.exp decide.
          const e = expBound(t);
          let accept = lhs < e * (1.0 - WEDGE_MARGIN);
          if (!accept && !(lhs > e * (1.0 + WEDGE_MARGIN))) accept = lhs < hostExp(t);
          if (accept) {
            store<f64>(o + (<usize>i << 3), scale * x);
            i++;
          }
          break;
        }
        if ((k & 1) == 0) x = -hostLog(uni) / R;
        else {
          const y = -hostLog(uni);
          if (!(y + y < x * x)) {
            store<f64>(o + (<usize>i << 3), scale * (hz > 0 ? R + x : -R - x));
            i++;
            break;
          }
        }
      }
    }
  }
}
