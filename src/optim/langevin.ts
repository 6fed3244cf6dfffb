/**
 * The Langevin noise of the optimizers (SGLD, Entropy-SGD's inner loop) and their update kernel.
 *
 * Each step draws one normal per parameter element, so the draw is most of an SGLD step on a
 * small network. The optimizers therefore take their deviates from the fast seeded ziggurat
 * generator (kernels/rng.ts, a few ns per draw) keyed by the step's Threefry key, instead of
 * the Box–Muller path of core/random.ts (~50 ns per draw): still a pure function of the key, so
 * runs and resumes stay bit-reproducible.
 */
import { FastNormal } from "../core/kernels/rng.ts";
import type { Key } from "../core/random.ts";

/** The generator of one step's noise: all leaves draw from it in order. */
export function stepNoise(key: Key): FastNormal {
  return new FastNormal(key);
}

/** The next n deviates of `noise` as one array (fill: the stream of n normal() calls), or null without noise. */
export function leafDraws(noise: FastNormal | null, s: number, n: number): Float64Array | null {
  return noise !== null && s !== 0 ? noise.fill(new Float64Array(n)) : null;
}

/**
 * One Langevin step of a leaf, written into `out`:
 *   out = θ − η(g + λθ + c(θ − a)) + s·ξ,   ξ = the leaf's deviates `z` (none when null or s = 0),
 * with an optional anchor `a` (Entropy-SGD's coupling c(y − x); pass c = 0 and any array without).
 * When `avg` is given, it is updated in the same pass to (1 − α)·avg + α·out (Entropy-SGD's running
 * mean). theta may be `out` (element i reads element i only): the compiled inner loop
 * (src/compiled/langevinInner.ts) draws a whole step's deviates into one buffer and runs this per
 * leaf in place. A standalone function over plain arguments so that V8 compiles one tight loop.
 */
export function langevinLeaf(
  theta: Float64Array,
  g: Float64Array,
  out: Float64Array,
  eta: number,
  lambda: number,
  c: number,
  anchor: Float64Array,
  s: number,
  z: Float64Array | null,
  avg: Float64Array | null,
  alpha: number,
): void {
  const n = theta.length;
  const beta = 1 - alpha;
  const draw = z !== null && s !== 0;
  for (let i = 0; i < n; i++) {
    const t = theta[i];
    let v = t - eta * (g[i] + lambda * t + (c === 0 ? 0 : c * (t - anchor[i])));
    if (draw) v += s * z[i];
    out[i] = v;
    if (avg !== null) avg[i] = beta * avg[i] + alpha * v;
  }
}
