/**
 * Fused row kernels behind the fused primitives (layer norm, softmax, log-softmax, relu, the tanh
 * derivative): one pass over the data instead of a chain of element-wise ops, each allocating
 * its own temporary. Rows are the last axis, stored contiguously.
 *
 * These compute values only; the ops that use them (src/core/ops/layerNorm.ts, softmax.ts,
 * relu.ts, tanh.ts) fall back to differentiable compositions whenever a backward pass is itself
 * being recorded, so derivatives of every order stay exact.
 */
import { tanhWasm } from "./tanhWasm.ts";

/**
 * Layer normalisation of `rows` rows of width d: out = (x − μ)·rstd·γ + β with rstd =
 * 1/√(σ² + eps), σ² the biased variance. Saves μ and rstd per row for the backward pass.
 */
export function layerNormForward(
  x: Float64Array,
  rows: number,
  d: number,
  gamma: Float64Array | null,
  beta: Float64Array | null,
  eps: number,
  out: Float64Array,
  mean: Float64Array,
  rstd: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mu = rowSum(x, o, d) / d;
    const rs = 1 / Math.sqrt(rowSumSqDev(x, o, d, mu) / d + eps);
    mean[r] = mu;
    rstd[r] = rs;
    if (gamma !== null && beta !== null)
      for (let j = 0; j < d; j++) out[o + j] = (x[o + j] - mu) * rs * gamma[j] + beta[j];
    else if (gamma !== null) for (let j = 0; j < d; j++) out[o + j] = (x[o + j] - mu) * rs * gamma[j];
    else if (beta !== null) for (let j = 0; j < d; j++) out[o + j] = (x[o + j] - mu) * rs + beta[j];
    else for (let j = 0; j < d; j++) out[o + j] = (x[o + j] - mu) * rs;
  }
}

/**
 * Backward of layer normalisation: with x̂ = (x − μ)·rstd and ĝ = g·γ,
 * dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)), dγ = Σ_rows g·x̂, dβ = Σ_rows g (each only when asked).
 */
export function layerNormBackward(
  g: Float64Array,
  x: Float64Array,
  rows: number,
  d: number,
  gamma: Float64Array | null,
  mean: Float64Array,
  rstd: Float64Array,
  dx: Float64Array | null,
  dgamma: Float64Array | null,
  dbeta: Float64Array | null,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mu = mean[r],
      rs = rstd[r];
    if (dx !== null) {
      // Σ ĝ and Σ ĝ·x̂ in two chains each (one chain waits on every addition's latency).
      // Deliberate twin: layerNormFused.ts (layerNormBackwardAdd) repeats these sums in this order so the
      // compiled transformer keeps the eager bits; change both or neither.
      let a0 = 0,
        a1 = 0,
        b0 = 0,
        b1 = 0,
        j = 0;
      if (gamma !== null) {
        for (; j + 1 < d; j += 2) {
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
      } else {
        for (; j + 1 < d; j += 2) {
          const g0 = g[o + j],
            g1 = g[o + j + 1];
          a0 += g0;
          a1 += g1;
          b0 += g0 * (x[o + j] - mu) * rs;
          b1 += g1 * (x[o + j + 1] - mu) * rs;
        }
        for (; j < d; j++) {
          a0 += g[o + j];
          b0 += g[o + j] * (x[o + j] - mu) * rs;
        }
      }
      const a = (a0 + a1) / d,
        b = (b0 + b1) / d;
      if (gamma !== null)
        for (let j = 0; j < d; j++) dx[o + j] = rs * (g[o + j] * gamma[j] - a - (x[o + j] - mu) * rs * b);
      else for (let j = 0; j < d; j++) dx[o + j] = rs * (g[o + j] - a - (x[o + j] - mu) * rs * b);
    }
    if (dgamma !== null && dbeta !== null) {
      for (let j = 0; j < d; j++) {
        const gj = g[o + j];
        dgamma[j] += gj * (x[o + j] - mu) * rs;
        dbeta[j] += gj;
      }
    } else if (dgamma !== null) for (let j = 0; j < d; j++) dgamma[j] += g[o + j] * (x[o + j] - mu) * rs;
    else if (dbeta !== null) for (let j = 0; j < d; j++) dbeta[j] += g[o + j];
  }
}

/**
 * Σ x[o..o+d) in four interleaved partial sums: a single running sum is bound by the latency of
 * the addition (~1.2 ns per element on the bench VM), four chains are not. rowSumSqDev below is its
 * deliberate twin for Σ (x − μ)²: one loop with a callback per element would cost more than the sum.
 */
function rowSum(x: Float64Array, o: number, d: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    j = o;
  const e = o + d,
    e4 = o + (d & ~3);
  for (; j < e4; j += 4) {
    s0 += x[j];
    s1 += x[j + 1];
    s2 += x[j + 2];
    s3 += x[j + 3];
  }
  for (; j < e; j++) s0 += x[j];
  return s0 + s1 + (s2 + s3);
}

/** Σ (x − mu)² over x[o..o+d), four partial sums: the deliberate twin of rowSum above. */
function rowSumSqDev(x: Float64Array, o: number, d: number, mu: number): number {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    j = o;
  const e = o + d,
    e4 = o + (d & ~3);
  for (; j < e4; j += 4) {
    const c0 = x[j] - mu,
      c1 = x[j + 1] - mu,
      c2 = x[j + 2] - mu,
      c3 = x[j + 3] - mu;
    s0 += c0 * c0;
    s1 += c1 * c1;
    s2 += c2 * c2;
    s3 += c3 * c3;
  }
  for (; j < e; j++) {
    const c = x[j] - mu;
    s0 += c * c;
  }
  return s0 + s1 + (s2 + s3);
}

/** The shift of a softmax row x[o … o+d): its max (NaN if any is NaN), or 0 when that is not finite. */
function rowShift(x: Float64Array, o: number, d: number): number {
  let m = -Infinity;
  for (let j = 0; j < d; j++) {
    const v = x[o + j];
    if (v > m || v !== v) m = v;
  }
  return Number.isFinite(m) ? m : 0;
}

/** Row-wise log-softmax, shifted by the row max (0 for a row whose max is not finite). */
export function logSoftmaxRows(x: Float64Array, rows: number, d: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const m = rowShift(x, o, d);
    let s = 0;
    for (let j = 0; j < d; j++) s += Math.exp(x[o + j] - m);
    const ls = Math.log(s);
    for (let j = 0; j < d; j++) out[o + j] = x[o + j] - m - ls;
  }
}

/** Row-wise softmax, shifted by the row max (0 for a row whose max is not finite). */
export function softmaxRows(x: Float64Array, rows: number, d: number, out: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const m = rowShift(x, o, d);
    let s = 0;
    for (let j = 0; j < d; j++) {
      // A masked score (−∞ − m = −∞) skips the call: exp(−∞) is +0 exactly (attention's causal mask).
      const v = x[o + j] - m;
      const e = v === -Infinity ? 0 : Math.exp(v);
      out[o + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < d; j++) out[o + j] *= inv;
  }
}

/** Backward of log-softmax: dx = g − exp(y)·Σg per row (y the log-softmax output). */
export function logSoftmaxBackward(g: Float64Array, y: Float64Array, rows: number, d: number, dx: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += g[o + j];
    for (let j = 0; j < d; j++) dx[o + j] = g[o + j] - Math.exp(y[o + j]) * s;
  }
}

/** Backward of softmax: dx = y·(g − Σ g·y) per row (y the softmax output). */
export function softmaxBackward(g: Float64Array, y: Float64Array, rows: number, d: number, dx: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let j = 0; j < d; j++) s += g[o + j] * y[o + j];
    for (let j = 0; j < d; j++) dx[o + j] = y[o + j] * (g[o + j] - s);
  }
}

/** relu(x) = x > 0 ? x : 0 (NaN → 0, as where(gt(x, 0), x, 0)). */
export function reluForward(x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = v > 0 ? v : 0;
  }
}

/** g where x > 0, else 0. */
export function reluBackward(g: Float64Array, x: Float64Array, dx: Float64Array): void {
  for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? g[i] : 0;
}

/** Below this many elements the plain loop of tanhBackward is as fast as the copies into WebAssembly (measured). */
const TANH_BACKWARD_WASM_MIN = 128;

/** g·(1 − y²) with y = tanh(x) (long arrays: the same products in WebAssembly SIMD, ./tanhWasm.ts). */
export function tanhBackward(g: Float64Array, y: Float64Array, dx: Float64Array): void {
  const w = y.length >= TANH_BACKWARD_WASM_MIN ? tanhWasm() : null;
  if (w !== null) w.backward(g, y, dx);
  else tanhBackwardLoop(g, y, dx);
}

/** tanhBackward in plain TypeScript (the path without tanh.wasm; the oracle of its tests). */
export function tanhBackwardLoop(g: Float64Array, y: Float64Array, dx: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    dx[i] = g[i] * (1 - v * v);
  }
}
