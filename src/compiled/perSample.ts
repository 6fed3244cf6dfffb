/**
 * Compiled per-sample gradients of a dense network
 * (docs/performance.md §compiled-per-sample-gradients): for each of n samples, g_i = ∇θ L_i with
 * L_i the loss of sample i alone (a batch of one), written
 * into one (n, …shape) array per parameter leaf — what `perSampleGrads` returns, without a graph,
 * tensor objects or intermediate gradient arrays. Two forms:
 *
 *   loop     a one-row plan (./mlpGrad.ts) run n times; sample i's weight gradients are GEMM calls
 *            whose output is row i of the (n, …) arrays, so nothing is copied. The calls are the
 *            eager path's, so the result is `perSampleGrads`'s bit for bit.
 *   batched  one n-row forward and backward gives every sample's cotangents δ_{l,i} = ∂L_i/∂h_l
 *            at once (each row seeded with its own unaveraged loss); then row i of dW_l is the
 *            outer product δ_{l,i} ⊗ a_{l−1,i} — the one-row pass's own GEMM call (k = 1), written
 *            straight into row i — and row i of db_l is δ_{l,i}. Each outer-product entry is one
 *            rounded product, as in the loop; but the n-row GEMMs of the forward and backward
 *            passes may round differently from n one-row GEMMs, so δ and a — and hence the
 *            gradients — agree with the loop's to rounding, not bit for bit (bound stated and
 *            tested in test/compiled/perSample.test.ts).
 */
import { gemmBackendName, gemmDispatch, gemmThreads, setGemmThreads } from "../core/backends/gemm/index.ts";
import { InputError } from "../errors.ts";
import type { MlpConfig } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import { compileMlpGrad, compileUnsupported } from "./mlpGrad.ts";
import { isShared, secondThread, sharedF64, type SecondThread } from "./perSampleThreads.ts";

export type PerSampleForm = "loop" | "batched";

export interface PerSampleGradsPlan {
  readonly n: number;
  readonly form: PerSampleForm;
  /** The per-sample losses L_i of the last run. */
  readonly values: Float64Array;
  /**
   * One (n × |leaf|) row-major array per leaf in `mlpLeafNames` order: the default output of
   * `run`, in shared memory (so that a second thread can write its samples' rows).
   */
  readonly grads: readonly Float64Array[];
  /**
   * Fresh zeroed output arrays in shared memory, which the two-thread split can write into (slower
   * to allocate than ordinary arrays, which `run` accepts as well, filling them on one thread).
   */
  newOutputs(): Float64Array[];
  /** How many threads the last run used (2: samples split with a worker thread). */
  readonly threadsUsed: number;
  /** Ends the second thread, if one was started (it never keeps the process alive). */
  close(): void;
  /**
   * Per-sample gradients at `params` (leaves in `mlpLeafNames` order) for the n rows of x (n × d₀)
   * and target (n labels for xent, n × d_L values for mse), written into `out` (default `grads`;
   * pass fresh arrays to keep results across runs); returns `out`.
   */
  run(
    params: readonly Float64Array[],
    x: Float64Array,
    target: Float64Array,
    out?: readonly Float64Array[],
  ): readonly Float64Array[];
}

export interface PerSampleOptions {
  /** "loop" (default: bit for bit the eager result) or "batched" (one n-row pass; to a tested bound). */
  form?: PerSampleForm;
}

export function compilePerSampleGrads(
  cfg: MlpConfig,
  loss: LossName,
  n: number,
  { form = "loop" }: PerSampleOptions = {},
): PerSampleGradsPlan {
  const why = compileUnsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  if (!Number.isInteger(n) || n < 1) throw new InputError(`compile: ${n} samples`, { field: "compile" });
  if (form !== "loop" && form !== "batched")
    throw new InputError(`compile: per-sample form "${String(form)}" (expected loop or batched)`, { field: "compile" });
  const d = cfg.sizes;
  const L = d.length - 1;
  const bias = cfg.bias;
  const leafSizes: number[] = [];
  for (let l = 1; l <= L; l++) {
    leafSizes.push(d[l] * d[l - 1]);
    if (bias) leafSizes.push(d[l]);
  }
  const newOutputs = (): Float64Array[] => leafSizes.map((s) => sharedF64(n * s));
  const grads = newOutputs();
  let second: SecondThread | null = null;
  let threadsUsed = 1;
  const values = new Float64Array(n);
  const targetWidth = loss === "xent" ? 1 : d[L];

  function checkArgs(
    params: readonly Float64Array[],
    x: Float64Array,
    target: Float64Array,
    out: readonly Float64Array[],
  ): void {
    if (params.length !== leafSizes.length || params.some((p, j) => p.length !== leafSizes[j]))
      throw new InputError(`compile: parameters must be ${leafSizes.length} leaves of sizes ${leafSizes.join(", ")}`);
    if (x.length !== n * d[0]) throw new InputError(`compile: input of ${x.length} values, expected ${n}×${d[0]}`);
    if (target.length !== n * targetWidth)
      throw new InputError(`compile: target of ${target.length} values, expected ${n}×${targetWidth}`);
    if (out.length !== leafSizes.length || out.some((o, j) => o.length !== n * leafSizes[j]))
      throw new InputError(`compile: per-sample outputs must be ${leafSizes.length} arrays of n × leaf size`);
  }

  type Fill = (
    params: readonly Float64Array[],
    x: Float64Array,
    target: Float64Array,
    out: readonly Float64Array[],
  ) => void;
  const fill: Fill = form === "loop" ? loopForm() : batchedForm();
  return {
    n,
    form,
    values,
    grads,
    newOutputs,
    get threadsUsed() {
      return threadsUsed;
    },
    close() {
      second?.close();
      second = null;
    },
    run(params, x, target, out = grads) {
      checkArgs(params, x, target, out);
      fill(params, x, target, out);
      return out;
    },
  };

  /**
   * n runs of a one-row plan, sample i's gradient written into row i. With two or more GEMM
   * threads on the OpenBLAS path and outputs in shared memory, a worker thread takes the second
   * half of the samples (./perSampleThreads.ts); both threads run their products at one OpenBLAS
   * thread, so every sample is computed exactly as on one thread.
   */
  function loopForm(): Fill {
    const plan = compileMlpGrad(cfg, loss, 1);
    const d0 = d[0];
    const rows = (
      params: readonly Float64Array[],
      x: Float64Array,
      target: Float64Array,
      out: readonly Float64Array[],
      from: number,
      to: number,
    ) => {
      for (let i = from; i < to; i++) {
        const xi = x.subarray(i * d0, (i + 1) * d0);
        const ti = target.subarray(i * targetWidth, (i + 1) * targetWidth);
        values[i] = plan.runInto(params, xi, ti, out, i);
      }
    };
    return (params, x, target, out) => {
      const threads = gemmThreads();
      if (threads < 2 || n < 2 || gemmBackendName() !== "native-blas" || !out.every(isShared)) {
        threadsUsed = 1;
        rows(params, x, target, out, 0, n);
        return;
      }
      second ??= secondThread(cfg, loss, n, "native-blas");
      const half = Math.ceil(n / 2);
      threadsUsed = 2;
      setGemmThreads(1);
      try {
        second.start(params, x, target, out, half);
        rows(params, x, target, out, 0, half);
        second.finish(values);
      } finally {
        setGemmThreads(threads);
      }
    };
  }

  /** One n-row pass for the per-sample cotangents, then each sample's outer products into its rows. */
  function batchedForm(): Fill {
    const plan = compileMlpGrad(cfg, loss, n);
    const { outputs, preCt } = plan.internals;
    const per = bias ? 2 : 1;
    return (params, x, target, out) => {
      plan.perRowCotangents(params, x, target, values);
      for (let l = 1; l <= L; l++) {
        const inputs = l === 1 ? x : outputs[l - 1];
        outerRows(n, d[l], d[l - 1], preCt[l], inputs, out[(l - 1) * per]);
        if (bias) biasRows(n * d[l], preCt[l], out[(l - 1) * per + 1]);
      }
    };
  }
}

/**
 * dW[i] = δ_iᵀ a_i (m × k) for each sample i < n: the product a one-row backward pass computes
 * (k = 1, one rounded product per entry), the same GEMM call written straight into row i of dW.
 */
function outerRows(n: number, m: number, k: number, delta: Float64Array, a: Float64Array, dW: Float64Array): void {
  for (let i = 0; i < n; i++) gemmDispatch(m, k, 1, delta, i * m, true, a, i * k, false, dW, i * m * k);
}

/** db[i, r] = 0 + δ[i, r]: the one-row bias reduction of the eager path (a sum from 0, so −0 → +0). */
function biasRows(len: number, delta: Float64Array, db: Float64Array): void {
  for (let j = 0; j < len; j++) db[j] = 0 + delta[j];
}
