/**
 * Softmax cross-entropy against integer labels and the seed of its reverse pass, in one kernel
 * over preallocated arrays (docs/performance.md §streaming-kernels): the arithmetic of the eager
 * `xent` loss (src/nn/losses.ts) — −(Σ log_softmax(z) ⊙ onehot)/rows — and of its backward, op by
 * op, so that value and seed are its bits. The TypeScript twin of the native `xentSeed`
 * (native/blas/src/softmax.c), which returns the same bits.
 *
 *   logp = log_softmax(z) per row (./fused.ts);
 *   loss = −(Σ_i logp_i·h_i)/rows, h the one-hot rows (h_i ∈ {0, 1} multiplied in, so that an
 *          infinite or NaN log-probability gives NaN as ∞·0 does), the sum over all rows × C
 *          elements in memory order from 0 (reduceAxes's full sum);
 *          with perRow: perRow[r] = −Σ_j logp_rj·h_rj (each row a batch of one), and 0 returned;
 *   gz   = log-softmax's backward of the seed c = s·h, s = −1/rows (perRow: −1):
 *          gz_rj = c_rj − exp(logp_rj)·Σ_k c_rk.
 */
import { logSoftmaxRows } from "./fused.ts";

/** Throws unless labels[0 … n) are classes in [0, C) (the eager loss's one-hot check, same message). */
export function checkLabels(labels: Float64Array, n: number, C: number): void {
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= C)
      throw new Error(`xent: label ${y} at position ${i} is not a class in [0, ${C})`);
  }
}

/** The loss (0 with perRow) of z (rows × C) against labels; logp ← log-softmax of z, gz ← ∂L/∂z. */
export function xentSeed(
  z: Float64Array,
  labels: Float64Array,
  rows: number,
  C: number,
  logp: Float64Array,
  gz: Float64Array,
  perRow: Float64Array | null,
): number {
  checkLabels(labels, rows, C);
  logSoftmaxRows(z, rows, C, logp);
  const scale = -1 / (perRow === null ? rows : 1);
  let total = 0;
  for (let r = 0, o = 0; r < rows; r++, o += C) {
    const label = labels[r];
    let row = 0;
    for (let j = 0; j < C; j++) {
      const c = logp[o + j] * (j === label ? 1 : 0);
      total += c;
      row += c;
    }
    if (perRow !== null) perRow[r] = -row;
    let sg = 0;
    for (let j = 0; j < C; j++) sg += scale * (j === label ? 1 : 0);
    for (let j = 0; j < C; j++) gz[o + j] = scale * (j === label ? 1 : 0) - Math.exp(logp[o + j]) * sg;
  }
  return perRow === null ? -(total / rows) : 0;
}
