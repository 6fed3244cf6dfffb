/**
 * Layer norm fused with the residual add around it, for the compiled transformer plans
 * (docs/performance.md §compiled-transformer). Each function is the eager pair — the add (or
 * linear's bias add and then the residual add), then the layer-norm row kernel of
 * core/kernels/fused.ts; or that kernel's reverse pass, then the add of the residual's cotangent —
 * with the same expressions in the same order (the row sums in the same four and two interleaved
 * partial sums), so every value is the same bit for bit; what is saved is a pass over the stream
 * per add, and the reverse pass's third loop (dγ, dβ are summed in the dx loop, row by row as before).
 */

/**
 * s = x + (y + bias) (bias null: s = x + y) into `sum`, then the layer norm of s into out, with μ
 * and 1/σ per row into mean, rstd — the add op(s), then layerNormForward(sum, rows, d, γ, β, eps, …).
 */
export function addLayerNorm(
  x: Float64Array,
  y: Float64Array,
  bias: Float64Array | null,
  rows: number,
  d: number,
  gamma: Float64Array,
  beta: Float64Array,
  eps: number,
  sum: Float64Array,
  out: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
): void {
  const d4 = d & ~3;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    if (bias === null) for (let j = 0; j < d; j++) sum[o + j] = x[o + j] + y[o + j];
    else for (let j = 0; j < d; j++) sum[o + j] = x[o + j] + (y[o + j] + bias[j]);
    // μ: Σ in four interleaved partial sums, (s0 + s1) + (s2 + s3), as the eager rowSum.
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0,
      j = 0;
    for (; j < d4; j += 4) {
      s0 += sum[o + j];
      s1 += sum[o + j + 1];
      s2 += sum[o + j + 2];
      s3 += sum[o + j + 3];
    }
    for (; j < d; j++) s0 += sum[o + j];
    const mu = (s0 + s1 + (s2 + s3)) / d;
    let t0 = 0,
      t1 = 0,
      t2 = 0,
      t3 = 0;
    for (j = 0; j < d4; j += 4) {
      const c0 = sum[o + j] - mu,
        c1 = sum[o + j + 1] - mu,
        c2 = sum[o + j + 2] - mu,
        c3 = sum[o + j + 3] - mu;
      t0 += c0 * c0;
      t1 += c1 * c1;
      t2 += c2 * c2;
      t3 += c3 * c3;
    }
    for (; j < d; j++) {
      const c = sum[o + j] - mu;
      t0 += c * c;
    }
    const rs = 1 / Math.sqrt((t0 + t1 + (t2 + t3)) / d + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (j = 0; j < d; j++) out[o + j] = (sum[o + j] - mu) * rs * gamma[j] + beta[j];
  }
}

/**
 * The reverse pass of the layer norm of x for the cotangent g of its output, plus the residual's
 * cotangent: dx = base + rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) (base null: without the add), and
 * dγ += Σ g·x̂, dβ += Σ g — layerNormBackward, then the add op. dx may be base.
 */
export function layerNormBackwardAdd(
  g: Float64Array,
  x: Float64Array,
  rows: number,
  d: number,
  gamma: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
  base: Float64Array | null,
  dx: Float64Array,
  dgamma: Float64Array,
  dbeta: Float64Array,
): void {
  const d2 = d & ~1;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mu = mean[r],
      rs = rstd[r];
    // Σ ĝ and Σ ĝ·x̂ in two chains each: a deliberate twin of fused.ts's layer-norm backward (same sums,
    // same order, so the compiled transformer keeps the eager bits); change both or neither.
    let a0 = 0,
      a1 = 0,
      b0 = 0,
      b1 = 0,
      j = 0;
    for (; j < d2; j += 2) {
      const g0 = g[o + j] * gamma[j],
        g1 = g[o + j + 1] * gamma[j + 1];
      a0 += g0;
      a1 += g1;
      b0 += g0 * (x[o + j] - mu) * rs;
      b1 += g1 * (x[o + j + 1] - mu) * rs;
    }
    for (; j < d; j++) {
      const g0 = g[o + j] * gamma[j];
      a0 += g0;
      b0 += g0 * (x[o + j] - mu) * rs;
    }
    const a = (a0 + a1) / d,
      b = (b0 + b1) / d;
    for (j = 0; j < d; j++) {
      const gj = g[o + j],
        xc = x[o + j] - mu;
      const v = rs * (gj * gamma[j] - a - xc * rs * b);
      dx[o + j] = base === null ? v : base[o + j] + v;
      dgamma[j] += gj * xc * rs;
      dbeta[j] += gj;
    }
  }
}
