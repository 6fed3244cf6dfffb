/**
 * One leaf of Adam/AdamW's update (src/optim/adam.ts), per element in this order:
 *   g' = g + l2·θ (l2 = 0: g);  m' = m·β₁ + (1 − β₁)·g';  v' = v·β₂ + ((1 − β₂)·g')·g'
 *   θ' = θ·shrink + (−stepSize·m') / (√v'/bc2Sqrt + ε)   (shrink = 1: θ itself)
 * with shrink = 1 − lr·λ for AdamW, else 1; l2 = λ for Adam, else 0. Outputs may be the inputs.
 * A standalone function over plain arguments so that V8 compiles one tight loop (the same update
 * written inside the closure ran ~2× slower).
 */
export function adamLeaf(
  th: Float64Array,
  g: Float64Array,
  m0: Float64Array,
  v0: Float64Array,
  out: Float64Array,
  m1: Float64Array,
  v1: Float64Array,
  shrink: number,
  l2: number,
  b1: number,
  b2: number,
  stepSize: number,
  bc2Sqrt: number,
  eps: number,
): void {
  const c1 = 1 - b1,
    c2 = 1 - b2;
  const n = th.length;
  for (let i = 0; i < n; i++) {
    const t = th[i];
    const x = shrink === 1 ? t : t * shrink;
    const gi = l2 === 0 ? g[i] : g[i] + l2 * t;
    const mi = m0[i] * b1 + c1 * gi;
    const vi = v0[i] * b2 + c2 * gi * gi;
    m1[i] = mi;
    v1[i] = vi;
    out[i] = x + (-stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}
