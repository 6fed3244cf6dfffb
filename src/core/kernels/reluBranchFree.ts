/**
 * relu forward and backward without a data-dependent branch, for the compiled plans
 * (docs/performance.md §compiled-transformer). The eager kernels (core/kernels/fused.ts) select
 * with `v > 0 ? v : 0`, a branch V8 keeps: on a hidden layer whose signs look random it is
 * mispredicted about half the time (≈ 8 ns per element against ≈ 2 for a plain pass). Here the
 * mask k = +(v > 0) ∈ {0, 1} enters by arithmetic, with the same results bit for bit:
 *
 *   forward   y = v·k + 0: v for v > 0; +0 for every other finite v (v·0 is ±0, and ±0 + 0 = +0).
 *             Only v = −∞ or NaN gives NaN where relu gives 0: the row sums of y (all terms ≥ 0)
 *             are NaN exactly then, and such entries are set to 0 afterwards;
 *   backward  dx = g·k + (0 − k)·0: g·1 + (−0) = g (−0 included) where k = 1; g·0 + (+0) = +0 for
 *             finite g where k = 0. Only a non-finite g where k = 0 gives NaN instead of 0; it
 *             reaches the column sums (the bias gradient, summed in the same order), and then the
 *             pass is redone with the exact kernel.
 */
import { reluBackward } from "./fused.ts";

/** out[r, j] ← relu(out[r, j] + b[j]) for rows × n (linear's bias add, then relu). */
export function biasReluInPlace(out: Float64Array, b: Float64Array, rows: number, n: number): void {
  let check = 0;
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    let s0 = 0,
      s1 = 0,
      j = 0;
    for (; j + 1 < n; j += 2) {
      const v0 = out[o + j] + b[j],
        v1 = out[o + j + 1] + b[j + 1];
      const y0 = v0 * +(v0 > 0) + 0,
        y1 = v1 * +(v1 > 0) + 0;
      out[o + j] = y0;
      out[o + j + 1] = y1;
      s0 += y0;
      s1 += y1;
    }
    for (; j < n; j++) {
      const v = out[o + j] + b[j];
      const y = v * +(v > 0) + 0;
      out[o + j] = y;
      s0 += y;
    }
    check += s0 + s1;
  }
  if (check !== check) for (let i = 0; i < rows * n; i++) if (out[i] !== out[i]) out[i] = 0;
}

/**
 * dx ← g where h > 0, else 0 (h the relu output, rows × n), and db[j] = Σ_r dx[r, j] summed from
 * +0 in row order (the bias gradient as reduceAxes sums it). dx may be g: where h > 0 the first
 * pass leaves g·1 + (−1)·0 = g + (−0) = g exactly (NaN and ±∞ included), so the NaN fallback's
 * mask over dx gives what it gives over g. Only db's first n entries are written: db may be one
 * row of a larger array (per-sample gradients, whose other rows another thread may be writing).
 */
export function reluBackwardColumnSums(
  g: Float64Array,
  h: Float64Array,
  rows: number,
  n: number,
  dx: Float64Array,
  db: Float64Array,
): void {
  db.fill(0, 0, n);
  for (let r = 0, o = 0; r < rows; r++, o += n) {
    for (let j = 0; j < n; j++) {
      const k = +(h[o + j] > 0);
      const v = g[o + j] * k + (0 - k) * 0;
      dx[o + j] = v;
      db[j] += v;
    }
  }
  let check = 0;
  for (let j = 0; j < n; j++) check += db[j] - db[j];
  if (check === check) return;
  reluBackward(g, h, dx);
  db.fill(0, 0, n);
  for (let r = 0, o = 0; r < rows; r++, o += n) for (let j = 0; j < n; j++) db[j] += dx[o + j];
}
