/**
 * Explicit, splittable, seeded randomness (JAX's design): a key is two 32-bit words, `split`
 * derives independent child keys, and every draw is a pure function of (key, shape). The bits come
 * from the Threefry-2x32 counter-based generator (20 rounds; Salmon et al., SC'11), the generator
 * JAX uses. Math.random is never used.
 */
import { Tensor, type Shape, shapeSize } from "./tensor.ts";

export type Key = readonly [number, number];

/** Threefry-2x32 block: encrypts the counter (c0, c1) under the key (k0, k1). */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  block(k0 | 0, k1 | 0, (k0 ^ k1 ^ 0x1bd11bda) | 0, c0 | 0, c1 | 0);
  return [blockHi >>> 0, blockLo >>> 0];
}

/**
 * The same block as `threefry2x32`, allocation-free for the array draws: key words (k0, k1,
 * k2 = k0 ⊕ k1 ⊕ 0x1bd11bda) as int32, counter (c0, c1); the two output words are left in
 * `blockHi`/`blockLo` (int32; `>>> 0` gives the unsigned word). Twenty rounds in five groups of
 * four — x0 += x1; x1 = rotl(x1, r) ⊕ x0 with r from (13, 15, 26, 6) in odd groups and
 * (17, 29, 16, 24) in even ones — each group followed by the injection of key words g and g + 1
 * (mod 3) plus the group number g into (x0, x1).
 */
function block(k0: number, k1: number, k2: number, c0: number, c1: number): void {
  let x0 = (c0 + k0) | 0;
  let x1 = (c1 + k1) | 0;
  for (let g = 1; g <= 5; g++) {
    const odd = (g & 1) === 1;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, odd ? 13 : 17) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, odd ? 15 : 29) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, odd ? 26 : 16) ^ x0;
    x0 = (x0 + x1) | 0;
    x1 = rotl(x1, odd ? 6 : 24) ^ x0;
    const m = g % 3;
    x0 = (x0 + (m === 0 ? k0 : m === 1 ? k1 : k2)) | 0;
    x1 = (x1 + (m === 0 ? k1 : m === 1 ? k2 : k0) + g) | 0;
  }
  blockHi = x0;
  blockLo = x1;
}

/** 32-bit rotation left by r (0 < r < 32). */
function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}
let blockHi = 0;
let blockLo = 0;

/** A key from an integer seed (any safe integer). */
export function key(seed: number): Key {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const lo = seed >>> 0;
  return threefry2x32(0, 0, hi, lo);
}

/** n independent child keys. */
export function split(k: Key, n = 2): Key[] {
  const out: Key[] = [];
  for (let i = 0; i < n; i++) out.push(threefry2x32(k[0], k[1], 0x9e3779b9, i));
  return out;
}

/** A child key tied to an integer (e.g. a step number). */
export function foldIn(k: Key, data: number): Key {
  return threefry2x32(k[0], k[1], 0x7f4a7c15, data >>> 0);
}

/** `n` random 32-bit words from the stream of key k (block i, counter (i, 0x5bd1e995), gives words 2i, 2i+1). */
export function bits(k: Key, n: number): Uint32Array {
  const out = new Uint32Array(n);
  const k0 = k[0] | 0,
    k1 = k[1] | 0,
    k2 = (k0 ^ k1 ^ 0x1bd11bda) | 0;
  for (let i = 0; i < n; i += 2) {
    block(k0, k1, k2, i >>> 1, 0x5bd1e995);
    out[i] = blockHi;
    if (i + 1 < n) out[i + 1] = blockLo;
  }
  return out;
}

const TWO_POW_M53 = 1 / 9007199254740992;

/** The 53-bit uniform in [0, 1) of block i: top 27 bits of its first word, top 26 of its second. */
function blockUniform(k0: number, k1: number, k2: number, i: number): number {
  block(k0, k1, k2, i, 0x5bd1e995);
  return ((blockHi >>> 5) * 67108864 + (blockLo >>> 6)) * TWO_POW_M53;
}

/**
 * Uniform doubles in [0, 1) with 53 random bits each: value i takes the top 27 bits of word 2i and
 * the top 26 of word 2i+1 of `bits(k, 2n)` (one block per value, computed in place).
 */
export function uniformArray(k: Key, n: number): Float64Array {
  const out = new Float64Array(n);
  const k0 = k[0] | 0,
    k1 = k[1] | 0,
    k2 = (k0 ^ k1 ^ 0x1bd11bda) | 0;
  for (let i = 0; i < n; i++) out[i] = blockUniform(k0, k1, k2, i);
  return out;
}

/**
 * Standard normal draws: Box–Muller on the 53-bit uniforms of `uniformArray(k, n + n mod 2)`, pair
 * (u₂ⱼ, u₂ⱼ₊₁) → (r cos θ, r sin θ), r = √(−2 log(1 − u₂ⱼ)) (1 − u in (0, 1], so log is finite),
 * θ = 2π u₂ⱼ₊₁. The uniforms are generated pair by pair instead of stored.
 */
export function normalArray(k: Key, n: number): Float64Array {
  const out = new Float64Array(n);
  const k0 = k[0] | 0,
    k1 = k[1] | 0,
    k2 = (k0 ^ k1 ^ 0x1bd11bda) | 0;
  const twoPi = 2 * Math.PI;
  for (let i = 0; i < n; i += 2) {
    const u0 = blockUniform(k0, k1, k2, i);
    const u1 = blockUniform(k0, k1, k2, i + 1);
    const r = Math.sqrt(-2 * Math.log(1 - u0));
    const th = twoPi * u1;
    out[i] = r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = r * Math.sin(th);
  }
  return out;
}

export function uniform(k: Key, shape: Shape, low = 0, high = 1): Tensor {
  const n = shapeSize(shape);
  const u = uniformArray(k, n);
  for (let i = 0; i < n; i++) u[i] = low + (high - low) * u[i];
  return new Tensor(u, [...shape]);
}

export function normal(k: Key, shape: Shape, mean = 0, std = 1): Tensor {
  const n = shapeSize(shape);
  const z = normalArray(k, n);
  for (let i = 0; i < n; i++) z[i] = mean + std * z[i];
  return new Tensor(z, [...shape]);
}

/** Integers uniform in [low, high) (exact: rejection sampling on 32-bit words, bound < 2^32). */
export function randint(k: Key, n: number, low: number, high: number): Int32Array {
  const range = high - low;
  if (!Number.isInteger(range) || range <= 0 || range > 4294967296)
    throw new Error(`randint: bad range [${low}, ${high})`);
  const limit = 4294967296 - (4294967296 % range);
  const out = new Int32Array(n);
  let stream = k;
  let w = bits(stream, n + 16);
  let j = 0;
  for (let i = 0; i < n; i++) {
    for (;;) {
      if (j >= w.length) {
        stream = foldIn(stream, 1);
        w = bits(stream, n - i + 16);
        j = 0;
      }
      const v = w[j++];
      if (v < limit) {
        out[i] = low + (v % range);
        break;
      }
    }
  }
  return out;
}

/** A uniformly random permutation of 0…n−1 (Fisher–Yates). */
export function permutation(k: Key, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const ks = split(k, n);
  for (let i = n - 1; i > 0; i--) {
    const j = randint(ks[i], 1, 0, i + 1)[0];
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
