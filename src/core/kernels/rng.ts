/**
 * A fast seeded normal generator for inner loops that draw noise every step (SGLD, Langevin):
 * xoshiro128** (Blackman & Vigna) for 32-bit words, Marsaglia & Tsang's ziggurat (128 layers) for
 * the normal deviates — a few nanoseconds per draw instead of the ~100 of the Threefry +
 * Box–Muller path of src/core/random.ts, which stays the reproducible generator of the API.
 * The ziggurat takes its layer index from a separate word than the deviate's bits (Doornik's
 * remedy for the correlated-bits flaw of the original). Seeded from an integer or a Threefry
 * key; never from Math.random.
 */
import { type Key, threefry2x32 } from "../random.ts";

const KN = new Int32Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(function zigset() {
  const m1 = 2147483648.0;
  let dn = 3.442619855899;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.trunc((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.trunc((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
})();

const R = 3.442619855899;

/** The ziggurat's tables (KN: the fast test's bounds, WN: the layers' scales, FN: the density at the layer edges); read only. */
export const zigguratTables: { readonly KN: Int32Array; readonly WN: Float64Array; readonly FN: Float64Array } = {
  KN,
  WN,
  FN,
};

/** The xoshiro128** state (s0, s1, s2, s3 as int32) of a FastNormal made from `seed`. */
export function xoshiroState(seed: Key | number): [number, number, number, number] {
  const [k0, k1] =
    typeof seed === "number" ? threefry2x32(0, 0, Math.floor(seed / 4294967296) >>> 0, seed >>> 0) : seed;
  const [a, b] = threefry2x32(k0, k1, 0x243f6a88, 0);
  const [c, d] = threefry2x32(k0, k1, 0x243f6a88, 1);
  return [a | 0, b | 0, c | 0, d | 0 || 0x9e3779b9 | 0];
}

export class FastNormal {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private idx = 0;
  private left = 0;

  /** From a Threefry key (or an integer seed, hashed the same way). */
  constructor(seed: Key | number) {
    const [s0, s1, s2, s3] = xoshiroState(seed);
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
  }

  /** The next 32-bit word (xoshiro128**), as a signed int32. */
  nextInt32(): number {
    const s0 = this.s0,
      s1 = this.s1,
      s2 = this.s2,
      s3 = this.s3;
    const t = Math.imul(s1, 5);
    const r = Math.imul((t << 7) | (t >>> 25), 9);
    const u = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.s1 = s1 ^ n2;
    this.s0 = s0 ^ n3;
    this.s2 = n2 ^ u;
    this.s3 = (n3 << 11) | (n3 >>> 21);
    return r | 0;
  }

  /** Uniform in (0, 1). */
  uniform(): number {
    return ((this.nextInt32() >>> 0) + 0.5) / 4294967296;
  }

  private layer(): number {
    if (this.left === 0) {
      this.idx = this.nextInt32();
      this.left = 4;
    }
    const i = this.idx & 127;
    this.idx >>>= 8;
    this.left--;
    return i;
  }

  /** One standard normal deviate. */
  normal(): number {
    for (;;) {
      const hz = this.nextInt32();
      const iz = this.layer();
      if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
      const v = this.slowPath(hz, iz);
      if (v !== null) return v;
    }
  }

  /**
   * The rest of one ziggurat attempt when the fast test fails (~2.5% of draws): the base strip's
   * tail, or the wedge of layer iz; null when the wedge rejects (the caller draws again).
   */
  private slowPath(hz: number, iz: number): number | null {
    if (iz === 0) {
      let x: number, y: number;
      do {
        x = -Math.log(this.uniform()) / R;
        y = -Math.log(this.uniform());
      } while (y + y < x * x);
      return hz > 0 ? R + x : -R - x;
    }
    const x = hz * WN[iz];
    if (FN[iz] + this.uniform() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
    return null;
  }

  /**
   * Fills `out` with scale·N(0, 1) draws: the same stream as `out.length` calls of `normal()`,
   * with the generator state held in locals throughout, the slow path included (the tail's and
   * the wedge's uniforms are words of the same inlined xoshiro128** step, and a rejected wedge
   * draws again for the same element, as normal()'s loop does), so the loop is a few register
   * operations per draw and the fields are written once at the end. (The xoshiro128** step is
   * written out three times on purpose: with the slow path as a call through the fields the fill
   * of sgld-inner's 1 120 draws was no faster than before, written out it takes 15–25 % less.)
   */
  fill(out: Float64Array, scale = 1): Float64Array {
    const n = out.length;
    let s0 = this.s0,
      s1 = this.s1,
      s2 = this.s2,
      s3 = this.s3,
      idx = this.idx,
      left = this.left;
    let i = 0;
    while (i < n) {
      let hz = 0,
        iz = 0,
        t: number,
        u: number,
        n2: number,
        n3: number;
      // The fast path until a draw needs the slow one (or the array is full).
      for (; i < n; i++) {
        // hz: one xoshiro128** word (nextInt32, inlined).
        t = Math.imul(s1, 5);
        hz = Math.imul((t << 7) | (t >>> 25), 9) | 0;
        u = s1 << 9;
        n2 = s2 ^ s0;
        n3 = s3 ^ s1;
        s1 = s1 ^ n2;
        s0 = s0 ^ n3;
        s2 = n2 ^ u;
        s3 = (n3 << 11) | (n3 >>> 21);
        // iz: the layer index, a byte of a separate word (layer, inlined).
        if (left === 0) {
          t = Math.imul(s1, 5);
          idx = Math.imul((t << 7) | (t >>> 25), 9) | 0;
          u = s1 << 9;
          n2 = s2 ^ s0;
          n3 = s3 ^ s1;
          s1 = s1 ^ n2;
          s0 = s0 ^ n3;
          s2 = n2 ^ u;
          s3 = (n3 << 11) | (n3 >>> 21);
          left = 4;
        }
        iz = idx & 127;
        idx >>>= 8;
        left--;
        if (Math.abs(hz) < KN[iz]) out[i] = scale * (hz * WN[iz]);
        else break;
      }
      if (i === n) break;
      // The slow path (slowPath, inlined): uniforms ((word >>> 0) + 0.5)/2³² from the same state.
      // A tail draw takes words in pairs (x, y) until y + y ≥ x²; a wedge draw takes one and, if
      // it rejects, the fast loop draws again for the same element (as normal()'s loop does).
      let x = iz === 0 ? 0 : hz * WN[iz];
      for (let w = 0; ; w++) {
        t = Math.imul(s1, 5);
        const word = Math.imul((t << 7) | (t >>> 25), 9) | 0;
        u = s1 << 9;
        n2 = s2 ^ s0;
        n3 = s3 ^ s1;
        s1 = s1 ^ n2;
        s0 = s0 ^ n3;
        s2 = n2 ^ u;
        s3 = (n3 << 11) | (n3 >>> 21);
        const uni = ((word >>> 0) + 0.5) / 4294967296;
        if (iz !== 0) {
          if (FN[iz] + uni * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) out[i++] = scale * x;
          break;
        }
        if ((w & 1) === 0) x = -Math.log(uni) / R;
        else {
          const y = -Math.log(uni);
          if (!(y + y < x * x)) {
            out[i++] = scale * (hz > 0 ? R + x : -R - x);
            break;
          }
        }
      }
    }
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
    this.s3 = s3;
    this.idx = idx;
    this.left = left;
    return out;
  }
}
