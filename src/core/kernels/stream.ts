/**
 * The streaming passes around the GEMMs of a dense layer's training step (docs/performance.md
 * §streaming-kernels): bias + activation after the forward product, relu's mask and tanh's
 * derivative on the backward product, the bias gradient's column sums, the sum of two products and the SGD update;
 * and for the compiled transformer the fused residual add + layer norm, its reverse pass, and relu's backward with
 * the bias gradient's column sums; Adam's update; attention's head permutes and small products; the
 * embedding's gather (with the first layer norm) and scatter; row copies; row-wise softmax,
 * log-softmax, its backward and the softmax cross-entropy with its seed. One interface, two
 * implementations with the same arithmetic element for element: the TypeScript loops here (always
 * present, the oracle) and, with the native GEMM backend, vectorised C loops in the same addon
 * (native/blas/src/stream.c, compiled without FMA contraction), which return the same bits.
 * `streamKernels()` in ../backends/gemm/index.ts picks the active backend's.
 */
import { adamLeaf } from "./adamLeaf.ts";
import { gemmBatchedSmall } from "./matmul.ts";
import { logSoftmaxBackward, logSoftmaxRows, reluBackward, softmaxRows, tanhBackward } from "./fused.ts";
import { dotHeads, rowsHeads } from "./attentionHeads.ts";
import { embedLayerNorm, scatterAddRows } from "./embedRows.ts";
import { addLayerNorm, layerNormBackwardAdd } from "./layerNormFused.ts";
import { biasReluInPlace, reluBackwardColumnSums } from "./reluBranchFree.ts";
import { xentSeed } from "./softmaxXent.ts";

export interface StreamKernels {
  /** out[r, j] ← out[r, j] + b[j] (rows × n row-major), then with `relu` v > 0 ? v : 0 (NaN → 0). */
  biasAct(out: Float64Array, b: Float64Array, rows: number, n: number, relu: boolean): void;
  /** dx[i] ← x[i] > 0 ? g[i] : 0 for i < x.length (relu's backward; dx may be g). */
  reluMask(g: Float64Array, x: Float64Array, dx: Float64Array): void;
  /** dx[i] ← g[i]·(1 − y[i]²) for i < y.length (tanh's backward from its output y; dx may be g). */
  tanhMask(g: Float64Array, y: Float64Array, dx: Float64Array): void;
  /** out[j] ← Σ_r a[r, j] over rows × n row-major, rows added in order to 0 (a bias gradient). */
  colSums(a: Float64Array, rows: number, n: number, out: Float64Array): void;
  /** acc[i] ← acc[i] + x[i] for i < n (sums of two products into one array). */
  addTo(acc: Float64Array, x: Float64Array, n: number): void;
  /** out[i] ← th[i] − lr·g[i] (wd = 0), else th[i] − lr·(g[i] + wd·th[i]), i < th.length; out may be th. */
  sgd(th: Float64Array, g: Float64Array, out: Float64Array, lr: number, wd: number): void;
  /** sum ← x + (y + bias) (bias null: x + y), then the layer norm of sum's rows (./layerNormFused.ts). */
  addLayerNorm: typeof addLayerNorm;
  /** The layer norm's reverse pass plus base (null: none) into dx, dγ and dβ accumulated (./layerNormFused.ts). */
  layerNormBackwardAdd: typeof layerNormBackwardAdd;
  /** dx ← h > 0 ? g : 0 and db ← its column sums in row order (./reluBranchFree.ts); dx may be g. */
  reluBackwardColSums: typeof reluBackwardColumnSums;
  /** One leaf of Adam/AdamW (./adamLeaf.ts); outputs may be their inputs (in place). */
  adam: typeof adamLeaf;
  /** [N, T, H, dh] → [N, H, T, dh] (inverse: back): attention's head split and merge, pure copies. */
  permuteHeads: typeof permuteHeads;
  /**
   * c_t = a_t·b_tᵀ, t < nb (a_t [m, k] at t·strideA, b_t [n, k] at t·strideB, c_t [m, n] at t·m·n),
   * for k ≥ 4: the batched small product with these flags (./matmul.ts's gemmDotContig), its sums in its order.
   */
  dotBatched: typeof dotBatched;
  /**
   * c_t = op(a_t)·b_t, t < nb (b_t [k, n] at t·strideB), for n ≥ 4 and k ≥ 2: the batched small
   * product with contiguous rows of B (./matmul.ts's gemmSmall, scaled rows of B), its sums in its order.
   */
  rowsBatched: typeof rowsBatched;
  /** x0 ← E[tok] + P (positions mod T), then the first layer norm (./embedRows.ts). */
  embedLayerNorm: typeof embedLayerNorm;
  /** dE[tok[r]] += g[r], rows in order (./embedRows.ts). */
  scatterAddRows: typeof scatterAddRows;
  /** dotBatched's sums on the heads of [N·T, H·dh] rows in place, no permute (./attentionHeads.ts). */
  dotHeads: typeof dotHeads;
  /** rowsBatched's sums on the heads of [N·T, H·dh] rows in place, no permute (./attentionHeads.ts). */
  rowsHeads: typeof rowsHeads;
  /** Row r (n values) from src at sOff + r·sStride to dst at dOff + r·dStride, r < rows: copies (src ≠ dst). */
  copyRows: typeof copyRows;
  /** Row-wise softmax over rows × d, shifted by the row max (./fused.ts); out may be x. */
  softmaxRows: typeof softmaxRows;
  /** Row-wise log-softmax over rows × d, shifted by the row max (./fused.ts); out may be x. */
  logSoftmaxRows: typeof logSoftmaxRows;
  /** dx = g − exp(y)·Σ g per row, y the log-softmax output (./fused.ts); dx may be g. */
  logSoftmaxBackward: typeof logSoftmaxBackward;
  /**
   * Softmax cross-entropy of z (rows × C) against integer labels with the seed of its reverse pass
   * (./softmaxXent.ts): logp ← log-softmax, gz ← ∂L/∂z; returns the mean loss (perRow: each row's there, 0).
   * gz must not be logp (the native kernel keeps the exps there meanwhile).
   */
  xentSeed: typeof xentSeed;
}

/**
 * out[r, j] ← act(out[r, j] + b[j]): the bias add of linear, then relu's v > 0 ? v : 0 — computed
 * without a data-dependent branch (./reluBranchFree.ts: the same bits, no mispredictions).
 */
function biasAct(out: Float64Array, b: Float64Array, rows: number, n: number, relu: boolean): void {
  if (relu) return biasReluInPlace(out, b, rows, n);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    for (let j = 0; j < n; j++) out[o + j] = out[o + j] + b[j];
  }
}

/** Row r of a added into out, r = 0 … rows − 1, from zero: reduceAxes's [reduced, kept] sum. */
export function colSums(a: Float64Array, rows: number, n: number, out: Float64Array): void {
  out.fill(0, 0, n);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    for (let j = 0; j < n; j++) out[j] += a[o + j];
  }
}

function addTo(acc: Float64Array, x: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) acc[i] += x[i];
}

/**
 * θ − lr·(g + λθ) per element. A standalone function over plain arguments so that V8 compiles
 * one tight loop (the same update inside a closure ran ~2× slower).
 */
function sgd(th: Float64Array, g: Float64Array, out: Float64Array, lr: number, wd: number): void {
  const n = th.length;
  if (wd === 0) for (let i = 0; i < n; i++) out[i] = th[i] - lr * g[i];
  else for (let i = 0; i < n; i++) out[i] = th[i] - lr * (g[i] + wd * th[i]);
}

function permuteHeads(
  src: Float64Array,
  dst: Float64Array,
  N: number,
  T: number,
  H: number,
  dh: number,
  inverse: boolean,
): void {
  const hd = H * dh;
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const row = (n * T + t) * hd;
      for (let h = 0; h < H; h++) {
        const a = row + h * dh,
          b = ((n * H + h) * T + t) * dh;
        if (inverse) for (let c = 0; c < dh; c++) dst[a + c] = src[b + c];
        else for (let c = 0; c < dh; c++) dst[b + c] = src[a + c];
      }
    }
  }
}

function dotBatched(
  nb: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  strideA: number,
  b: Float64Array,
  strideB: number,
  c: Float64Array,
): void {
  gemmBatchedSmall(nb, m, n, k, a, 0, strideA, false, b, 0, strideB, true, c);
}

function rowsBatched(
  nb: number,
  m: number,
  n: number,
  k: number,
  a: Float64Array,
  strideA: number,
  transA: boolean,
  b: Float64Array,
  strideB: number,
  c: Float64Array,
): void {
  gemmBatchedSmall(nb, m, n, k, a, 0, strideA, transA, b, 0, strideB, false, c);
}

function copyRows(
  src: Float64Array,
  sOff: number,
  sStride: number,
  dst: Float64Array,
  dOff: number,
  dStride: number,
  rows: number,
  n: number,
): void {
  for (let r = 0, s = sOff, o = dOff; r < rows; r++, s += sStride, o += dStride)
    for (let j = 0; j < n; j++) dst[o + j] = src[s + j];
}

/** The TypeScript kernels. */
export const typescriptStream: StreamKernels = {
  biasAct,
  reluMask: reluBackward,
  tanhMask: tanhBackward,
  colSums,
  addTo,
  sgd,
  addLayerNorm,
  layerNormBackwardAdd,
  reluBackwardColSums: reluBackwardColumnSums,
  adam: adamLeaf,
  permuteHeads,
  dotBatched,
  rowsBatched,
  embedLayerNorm,
  scatterAddRows,
  dotHeads,
  rowsHeads,
  copyRows,
  softmaxRows,
  logSoftmaxRows,
  logSoftmaxBackward,
  xentSeed,
};
