/**
 * Explicit, splittable, seeded randomness (JAX's design): a key is two 32-bit words, `split`
 * derives independent child keys, and every draw is a pure function of (key, shape). The bits come
 * from the Threefry-2x32 counter-based generator (20 rounds; Salmon et al., SC'11), the generator
 * JAX uses. Math.random is never used.
 */
import { Tensor, type Shape, shapeSize } from "./tensor.ts";

export type Key = readonly [number, number];

const ROT = [13, 15, 26, 6, 17, 29, 16, 24];

/** Threefry-2x32 block: encrypts the counter (c0, c1) under the key (k0, k1). */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  const k2 = (k0 ^ k1 ^ 0x1bd11bda) >>> 0;
  const ks = [k0 >>> 0, k1 >>> 0, k2];
  let x0 = (c0 + ks[0]) >>> 0;
  let x1 = (c1 + ks[1]) >>> 0;
  for (let r = 0; r < 5; r++) {
    for (let j = 0; j < 4; j++) {
      const rot = ROT[(r % 2) * 4 + j];
      x0 = (x0 + x1) >>> 0;
      x1 = ((x1 << rot) | (x1 >>> (32 - rot))) >>> 0;
      x1 = (x1 ^ x0) >>> 0;
    }
    x0 = (x0 + ks[(r + 1) % 3]) >>> 0;
    x1 = (x1 + ks[(r + 2) % 3] + r + 1) >>> 0;
  }
  return [x0, x1];
}

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

/** `n` random 32-bit words from the stream of key k. */
export function bits(k: Key, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i += 2) {
    const [a, b] = threefry2x32(k[0], k[1], i >>> 1, 0x5bd1e995);
    out[i] = a;
    if (i + 1 < n) out[i + 1] = b;
  }
  return out;
}

/** Uniform doubles in [0, 1) with 53 random bits each. */
export function uniformArray(k: Key, n: number): Float64Array {
  const w = bits(k, 2 * n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ((w[2 * i] >>> 5) * 67108864 + (w[2 * i + 1] >>> 6)) / 9007199254740992;
  return out;
}

/** Standard normal draws (Box–Muller on 53-bit uniforms; u1 is taken in (0, 1] so log is finite). */
export function normalArray(k: Key, n: number): Float64Array {
  const m = n + (n & 1);
  const u = uniformArray(k, m);
  const out = new Float64Array(n);
  for (let i = 0; i < m; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u[i]));
    const th = 2 * Math.PI * u[i + 1];
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
  if (!Number.isInteger(range) || range <= 0 || range > 4294967296) throw new Error(`randint: bad range [${low}, ${high})`);
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
