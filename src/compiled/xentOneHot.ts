/**
 * The batch cross-entropy of ./lossSeed.ts without its one-hot passes (docs/performance.md
 * §compiled-transformer), with the same bits. The eager op computes, from the log-softmax a,
 *
 *   L = −(Σ_i a_i·b_i)/rows       (b the one-hot rows; the sum over all rows × C in memory order from 0)
 *   g = (−1/rows)·b               (the seed), then log-softmax's reverse: dx_j = g_j − exp(a_j)·Σ_row g.
 *
 * Where every a_i is finite, a_i·0 is ±0, and adding ±0 to a running sum that starts at +0 never
 * changes it (x + ±0 = x for x ≠ 0, +0 + −0 = +0, and a sum that starts at +0 is never −0), so the
 * sum is that of the target entries alone, in row order from 0. The seed row is s = −1/rows at
 * the target and s·0 = −0 elsewhere, so its sum is s exactly, and dx_j = (target ? s : −0) − exp(a_j)·s
 * — the same expression, with V8's Math.exp, as logSoftmaxBackward. When some a_i is not finite
 * (its product with 0 is NaN) this returns null and the caller takes the eager path op by op.
 */

/** L for log-softmax rows a (rows × C) and integer labels, with ∂L/∂z into gz; null when some a_i is not finite. */
export function xentOneHot(
  a: Float64Array,
  target: Float64Array,
  rows: number,
  C: number,
  gz: Float64Array,
): number | null {
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const y = target[r];
    if (!Number.isInteger(y) || y < 0 || y >= C)
      throw new Error(`xent: label ${y} at position ${r} is not a class in [0, ${C})`);
    sum += a[r * C + y];
  }
  const s = -1 / rows;
  let finite = true;
  for (let r = 0; r < rows; r++) {
    const o = r * C,
      t = o + target[r];
    for (let i = o, e = o + C; i < e; i++) {
      const v = a[i];
      if (v - v !== 0) finite = false; // ±∞ or NaN: the eager sum is NaN
      gz[i] = (i === t ? s : -0) - Math.exp(v) * s;
    }
  }
  return finite ? -(sum / rows) : null;
}
