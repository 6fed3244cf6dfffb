/**
 * A loss and the cotangent of its input on preallocated arrays (docs/performance.md
 * §compiled-step), used by the mlp and transformer gradient plans: the arithmetic of the eager
 * `xent` / `mse` (src/nn/losses.ts) and of their reverse pass, op by op, so that value and seed
 * agree with `valueAndGrad` bit for bit.
 *
 *   xent  L = −(Σ log_softmax(z) ⊙ onehot)/rows; the reverse pass seeds log_softmax with
 *         (−1/rows)·onehot (neg, then div, then the sum's broadcast, then the product's factor):
 *         the streaming kernel xentSeed (../core/kernels/softmaxXent.ts) does both;
 *   mse   L = Σ(z − t)²/n; the square's two factors each contribute (1/n)·r, summed: r/n + r/n.
 *
 * Per row (the per-sample plans, ./perSample.ts): each row is a batch of one — perRow[r] is its
 * loss (the same reduction over its own C values; a one-row mean is its sum, s/1 = s exactly) and
 * the seed is that of a one-row batch; the rows' kernels are independent.
 */
import { streamKernels } from "../core/backends/gemm/index.ts";
import { reduceAxes } from "../core/kernels/reduce.ts";
import { InputError } from "../errors.ts";
import type { LossName } from "../nn/losses.ts";

export interface LossSeed {
  /**
   * The loss of z (rows × C, row-major) against target; writes ∂L/∂z into gz. With `perRow`
   * (rows slots), each row's own loss goes there instead, gz is each row's own seed, and the
   * returned value is 0.
   */
  run(z: Float64Array, target: Float64Array, gz: Float64Array, perRow?: Float64Array | null): number;
  /** log softmax of the last z (xent). */
  readonly logProbs: Float64Array;
}

export function compileLossSeed(loss: LossName, rows: number, C: number): LossSeed {
  const a = new Float64Array(rows * C); // log-softmax (xent) or residual (mse)
  const c = loss === "mse" ? new Float64Array(rows * C) : a; // squares (mse)
  const shape = [rows, C];
  const ALL = [0, 1];
  // The fused softmax cross-entropy kernel of the active backend (native: the same bits, with
  // exp and log ported from V8's): log-softmax, the loss and the seed in one call.
  const xent = (z: Float64Array, target: Float64Array, gz: Float64Array, perRow: Float64Array | null = null) => {
    if (target.length !== rows) throw new InputError(`xent: ${rows} rows of logits but ${target.length} labels`);
    return streamKernels().xentSeed(z, target, rows, C, a, gz, perRow);
  };
  const mse = (z: Float64Array, target: Float64Array, gz: Float64Array, perRow: Float64Array | null = null) => {
    const n = rows * C;
    if (target.length !== n) throw new InputError(`mse: output has ${n} elements, target ${target.length}`);
    for (let i = 0; i < n; i++) {
      const r = z[i] - target[i];
      a[i] = r;
      c[i] = r * r;
    }
    const value = perRow === null ? reduceAxes(c, shape, ALL, "sum")[0] / n : 0;
    if (perRow !== null) for (let r = 0; r < rows; r++) perRow[r] = rowSum(c, r, C) / C;
    const s = 1 / (perRow === null ? n : C);
    for (let i = 0; i < n; i++) {
      const h = s * a[i];
      gz[i] = h + h;
    }
    return value;
  };
  return { run: loss === "xent" ? xent : mse, logProbs: a };
}

/** Σ_j a[r·n + j] in order from 0 — reduceAxes's sum over one row of n values. */
function rowSum(a: Float64Array, r: number, n: number): number {
  let s = 0;
  for (let j = r * n, e = j + n; j < e; j++) s += a[j];
  return s;
}
