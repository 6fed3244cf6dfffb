/**
 * The embedding rows of the compiled transformer (docs/performance.md §compiled-transformer): the
 * gather of the token embedding plus the position embedding, then the first layer norm, and the
 * reverse scatter into the embedding's gradient. The TypeScript twins of native/blas/src/norm.c's
 * embedLayerNorm and scatterAddRows — the same expressions as the eager ops (index, then the
 * broadcast add E[t] + P[p], then layerNormForward; the embedding gradient's rows accumulated in
 * token order), so eager, TypeScript and native agree bit for bit.
 */
import { layerNormForward } from "./fused.ts";

/**
 * x0[r] ← E[tok[r]] + P[r mod T] over rows of d, then (gamma not null) the layer norm of every row
 * of x0 into out with μ and 1/σ into mean, rstd (layerNormForward; beta, out, mean, rstd must then be given).
 */
export function embedLayerNorm(
  E: Float64Array,
  P: Float64Array,
  tok: Int32Array,
  rows: number,
  T: number,
  d: number,
  gamma: Float64Array | null,
  beta: Float64Array | null,
  eps: number,
  x0: Float64Array,
  out: Float64Array | null,
  mean: Float64Array | null,
  rstd: Float64Array | null,
): void {
  for (let r = 0; r < rows; r++) {
    const e = tok[r] * d,
      p = (r % T) * d,
      o = r * d;
    for (let j = 0; j < d; j++) x0[o + j] = E[e + j] + P[p + j];
  }
  if (gamma !== null) layerNormForward(x0, rows, d, gamma, beta, eps, out!, mean!, rstd!);
}

/** dE[tok[r]·d + j] += g[r·d + j] for r = 0 … rows − 1 in order: the gather's reverse. */
export function scatterAddRows(g: Float64Array, tok: Int32Array, rows: number, d: number, dE: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const e = tok[r] * d,
      s = r * d;
    for (let j = 0; j < d; j++) dE[e + j] += g[s + j];
  }
}
