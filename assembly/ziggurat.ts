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
// arithmetic is correctly rounded and never fused in WebAssembly and in V8), Math.log and Math.exp
// imported from the host for the tail and the wedge.

@external("env", "log") declare function hostLog(x: f64): f64;
@external("env", "exp") declare function hostExp(x: f64): f64;

const R: f64 = 3.442619855899;
const TWO32: f64 = 4294967296.0;

/** Fills lane j's column (stride 16 bytes) with the next w words of that lane's state (scalar xoshiro128**). */
function refill(state: usize, j: usize, col: usize, w: i32): void {
  const at = state + (j << 2);
  let s0 = load<i32>(at),
    s1 = load<i32>(at, 16),
    s2 = load<i32>(at, 32),
    s3 = load<i32>(at, 48);
  for (let k: i32 = 0; k < w; k++) {
    const t = s1 * 5;
    store<i32>(col + (<usize>k << 4), rotl<i32>(t, 7) * 9);
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
 * v128 (s0, s1, s2, s3; lane j = stream j), left past the words generated; words: a buffer of w
 * v128; kn (i32 × 128), wn, fn (f64 × 128): the ziggurat's tables.
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
  // Phase 1: w words of every lane, one i32x4 xoshiro128** step per row of the buffer.
  let s0 = v128.load(state),
    s1 = v128.load(state, 16),
    s2 = v128.load(state, 32),
    s3 = v128.load(state, 48);
  const five = i32x4.splat(5),
    nine = i32x4.splat(9);
  for (let k: i32 = 0; k < w; k++) {
    const t = i32x4.mul(s1, five);
    v128.store(words + (<usize>k << 4), i32x4.mul(v128.or(i32x4.shl(t, 7), i32x4.shr_u(t, 25)), nine));
    const u = i32x4.shl(s1, 9);
    const n2 = v128.xor(s2, s0);
    const n3 = v128.xor(s3, s1);
    s1 = v128.xor(s1, n2);
    s0 = v128.xor(s0, n3);
    s2 = v128.xor(n2, u);
    s3 = v128.or(i32x4.shl(n3, 11), i32x4.shr_u(n3, 21));
  }
  v128.store(state, s0);
  v128.store(state, s1, 16);
  v128.store(state, s2, 32);
  v128.store(state, s3, 48);
  // Phase 2: each stream's deviates from its column, fill's loop with the words read, not made.
  for (let j: i32 = 0; j < streams; j++) {
    const col = words + (<usize>j << 2);
    const o = out + <usize>j * stride;
    let p: i32 = 0;
    let idx: i32 = 0,
      left: i32 = 0;
    let i: i32 = 0;
    while (i < n) {
      let hz: i32 = 0,
        iz: i32 = 0;
      // The fast path until a draw needs the slow one (or the stream is full).
      for (; i < n; i++) {
        if (p == w) {
          refill(state, j, col, w);
          p = 0;
        }
        hz = load<i32>(col + (<usize>p << 4));
        p++;
        if (left == 0) {
          if (p == w) {
            refill(state, j, col, w);
            p = 0;
          }
          idx = load<i32>(col + (<usize>p << 4));
          p++;
          left = 4;
        }
        iz = idx & 127;
        idx = idx >>> 8;
        left--;
        const h = <f64>hz;
        if (abs<f64>(h) < <f64>load<i32>(kn + (<usize>iz << 2)))
          store<f64>(o + (<usize>i << 3), scale * (h * load<f64>(wn + (<usize>iz << 3))));
        else break;
      }
      if (i == n) break;
      // The slow path: uniforms ((word >>> 0) + 0.5)/2³²; the tail takes words in pairs (x, y)
      // until y + y ≥ x²; the wedge takes one and, if it rejects, the fast loop draws again.
      let x: f64 = iz == 0 ? 0.0 : <f64>hz * load<f64>(wn + (<usize>iz << 3));
      for (let k: i32 = 0; ; k++) {
        if (p == w) {
          refill(state, j, col, w);
          p = 0;
        }
        const word = load<i32>(col + (<usize>p << 4));
        p++;
        const uni = (<f64>(<u32>word) + 0.5) / TWO32;
        if (iz != 0) {
          const f = load<f64>(fn + (<usize>iz << 3));
          if (f + uni * (load<f64>(fn + (<usize>(iz - 1) << 3)) - f) < hostExp(-0.5 * x * x)) {
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
