/**
 * The compiled gradient of a dense network's loss (docs/performance.md §compiled-step): the loss
 * and ∇θ of an `mlp` model on a batch of a fixed size, as a plan built once per batch size and
 * replayed with every buffer allocated once and reused.
 *
 * The plan performs exactly the arithmetic the eager path performs for the same model and loss —
 * the same GEMM calls (same shapes, transposes passed as flags), the same element-wise and
 * reduction kernels in the same order — so loss and gradient agree with `valueAndGrad` bit for bit
 * (test/compiled/step.test.ts). One call differs in form, not in bits: a relu layer's weight
 * gradient may leave out the terms of its cotangent's zeros, where that gives the dense product's
 * bits (docs/performance.md §skipping-relu-zeros). The passes over activations and cotangents (bias + relu, the
 * activations' derivatives, bias-gradient sums) go through the active backend's streaming kernels,
 * whose native form computes the same bits (docs/performance.md §streaming-kernels). What it saves
 * is the rest: no graph, no tensor objects, no fresh (cache-cold) arrays, and fewer passes over
 * memory:
 *
 *   forward   a_l = act(a_{l−1} W_lᵀ + b_l): bias and activation in one pass over the GEMM output
 *             (the epilogue), so no pre-activation array is kept; relu's mask is read back from
 *             a_l (a_l > 0 ⇔ a_{l−1}W_lᵀ + b_l > 0) and tanh's derivative is 1 − a_l²;
 *   backward  g_{l−1} = act'(·) ⊙ (g_l W_l), dW_l = g_lᵀ a_{l−1}, db_l = Σ_rows g_l, the activation
 *             derivative applied in place on the product's own array.
 */
import { gemmDispatch, gemmTransASkippingZeros, streamKernels } from "../core/backends/gemm/index.ts";
import { reluForward } from "../core/kernels/fused.ts";
import type { StreamKernels } from "../core/kernels/stream.ts";
import { tanhInto } from "../core/kernels/tanh.ts";
import { CHUNK as TANH_CHUNK, TanhSite, tanhWasmWithRoom } from "../core/kernels/tanhWasm.ts";
import { thinProducts, thinProductsRoom } from "./thinProducts.ts";
import { InputError } from "../errors.ts";
import { Tensor } from "../core/tensor.ts";
import type { MlpConfig, MlpParams } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import { compileLossSeed } from "./lossSeed.ts";

/** The activations a plan has a fused epilogue for. */
export const COMPILED_ACTIVATIONS = ["relu", "tanh", "identity"] as const;
type Act = (typeof COMPILED_ACTIVATIONS)[number];

export interface MlpGradPlan {
  readonly rows: number;
  /** ∇θ after `run`, leaf by leaf in the order of `mlpLeafNames`; overwritten by the next run. */
  readonly grads: readonly Float64Array[];
  /**
   * The loss at `params` (the leaves in `mlpLeafNames` order) on the batch x (rows × d₀,
   * row-major) and target (labels for xent, rows × d_L values for mse); writes `grads`.
   */
  run(params: readonly Float64Array[], x: Float64Array, target: Float64Array): number;
  /**
   * `run` with ∇θ written into row `row` of `dst` (leaf j from element row·|leaf j| of dst[j])
   * instead of `grads`: how per-sample gradients land in their (n, …) arrays without a copy
   * (./perSample.ts).
   */
  runInto(
    params: readonly Float64Array[],
    x: Float64Array,
    target: Float64Array,
    dst: readonly Float64Array[],
    row: number,
  ): number;
  /**
   * Each row its own batch of one: values[r] = the loss of row r alone, preCt[l] row r = ∂L_r/∂h_l
   * (the cotangents `run` would compute with rows = 1) — forward and backward through the layers
   * only, no weight gradients (./perSample.ts forms them per row).
   */
  perRowCotangents(params: readonly Float64Array[], x: Float64Array, target: Float64Array, values: Float64Array): void;
  /**
   * What the last run left for a second-order pass (./mlpHvp.ts): outputs[l] = a_l (l = 1 … L,
   * after the activation; a_L the logits), preCt[l] = ∂L/∂h_l (the cotangent of layer l before
   * its activation), outCt[l] = ∂L/∂a_l for hidden layers (only with `keepOutputCotangents`),
   * logProbs = log softmax of the logits (xent).
   */
  readonly internals: {
    outputs: readonly Float64Array[];
    preCt: readonly Float64Array[];
    outCt: readonly Float64Array[];
    logProbs: Float64Array;
  };
}

export interface MlpGradOptions {
  /** Keep ∂L/∂a_l of the hidden layers apart from ∂L/∂h_l (a second-order pass of tanh needs both). */
  keepOutputCotangents?: boolean;
}

/** fc0.weight, fc0.bias, fc1.weight, … — the leaf order of an `mlp` parameter tree. */
export function mlpLeafNames(cfg: MlpConfig): string[] {
  const names: string[] = [];
  for (let i = 0; i + 1 < cfg.sizes.length; i++) {
    names.push(`fc${i}.weight`);
    if (cfg.bias) names.push(`fc${i}.bias`);
  }
  return names;
}

/** A parameter-shaped tree whose leaves are views of `arrays` (in mlp leaf order). */
export function mlpTreeOver(cfg: MlpConfig, arrays: readonly Float64Array[]): MlpParams {
  const out: MlpParams = {};
  let k = 0;
  for (let i = 0; i + 1 < cfg.sizes.length; i++) {
    const weight = new Tensor(arrays[k++], [cfg.sizes[i + 1], cfg.sizes[i]]);
    out[`fc${i}`] = cfg.bias ? { weight, bias: new Tensor(arrays[k++], [cfg.sizes[i + 1]]) } : { weight };
  }
  return out;
}

/** The parameter arrays of an mlp tree in `mlpLeafNames` order, picked by name (any key order). */
export function mlpLeafArrays(cfg: MlpConfig, params: MlpParams, out: Float64Array[] = []): Float64Array[] {
  out.length = 0;
  for (let i = 0; i + 1 < cfg.sizes.length; i++) {
    const layer = params[LAYER[i] ?? `fc${i}`];
    if (layer === undefined) throw new InputError(`compile: the parameters have no layer fc${i}`);
    out.push(layer.weight.data);
    if (cfg.bias) {
      if (layer.bias === undefined) throw new InputError(`compile: the parameters have no fc${i}.bias`);
      out.push(layer.bias.data);
    }
  }
  return out;
}
const LAYER = Array.from({ length: 16 }, (_, i) => `fc${i}`);

/**
 * A plan per batch size, built on first use, with its gradient tree over the plan's arrays (the
 * mlp counterpart of `transformerPlans` in ./transformerStep.ts).
 */
export function mlpPlans(cfg: MlpConfig, loss: LossName): (rows: number) => { plan: MlpGradPlan; tree: MlpParams } {
  const plans = new Map<number, { plan: MlpGradPlan; tree: MlpParams }>();
  return (rows) => {
    let p = plans.get(rows);
    if (p === undefined) {
      const plan = compileMlpGrad(cfg, loss, rows);
      p = { plan, tree: mlpTreeOver(cfg, plan.grads) };
      plans.set(rows, p);
    }
    return p;
  };
}

/** Why `cfg`/`loss` cannot be compiled, or null when they can. */
export function compileUnsupported(cfg: MlpConfig, loss: LossName): string | null {
  if (!(COMPILED_ACTIVATIONS as readonly string[]).includes(cfg.activation))
    return `activation "${cfg.activation}" has no compiled form (expected one of ${COMPILED_ACTIVATIONS.join(", ")})`;
  if (loss !== "xent" && loss !== "mse") return `loss "${String(loss)}" has no compiled form`;
  return null;
}

export function compileMlpGrad(
  cfg: MlpConfig,
  loss: LossName,
  rows: number,
  { keepOutputCotangents = false }: MlpGradOptions = {},
): MlpGradPlan {
  const why = compileUnsupported(cfg, loss);
  if (why !== null) throw new InputError(`compile: ${why}`, { field: "compile" });
  if (!Number.isInteger(rows) || rows < 1) throw new InputError(`compile: batch of ${rows} rows`, { field: "compile" });
  const act = cfg.activation as Act;
  const d = cfg.sizes;
  const L = d.length - 1;
  const C = d[L];
  const bias = cfg.bias;
  const per = bias ? 2 : 1;
  // tanh networks keep their activations and cotangents in the memory of a WebAssembly tanh
  // instance of their own, where its kernels work on them in place (../core/kernels/tanhWasm.ts).
  let room = 0;
  for (let l = 1; l <= L; l++) room += 3 * (rows * d[l] + 2);
  room += thinProductsRoom(d, rows);
  const tw = act === "tanh" && d.every((n) => n <= TANH_CHUNK) ? tanhWasmWithRoom(room) : null;
  const buffer = (n: number): Float64Array => {
    if (tw === null) return new Float64Array(n);
    const v = tw.alloc(n);
    if (v === null) throw new Error("compile: the plan's tanh memory is too small"); // room counts every buffer
    return v;
  };
  // a[l] (l = 1 … L): layer outputs after the activation (a[L]: the logits); a[0] is the input.
  const a: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l <= L; l++) a.push(buffer(rows * d[l]));
  const grads: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    grads.push(new Float64Array(d[l + 1] * d[l]));
    if (bias) grads.push(new Float64Array(d[l + 1]));
  }
  // Cotangents of the layer outputs: g[l] for a[l] (g[L]: the logits'), each written before read.
  const g: Float64Array[] = [new Float64Array(0)];
  for (let l = 1; l <= L; l++) g.push(buffer(rows * d[l]));
  // ∂L/∂a_l of the hidden layers, apart only when kept (else the activation's derivative is applied in place).
  const gOut: Float64Array[] = g.map((x, l) => (keepOutputCotangents && l > 0 && l < L ? buffer(x.length) : x));
  // Byte offsets of a, g and gOut in the tanh instance's memory (its kernels take offsets).
  const at = (xs: Float64Array[]) => xs.map((x, l) => (tw === null || l === 0 ? 0 : tw.offsetOf(x)));
  const aAt = at(a),
    gAt = at(g),
    gOutAt = at(gOut);
  // The thin products (two inputs, one output, their weight gradients) in that memory too.
  const thin = tw === null ? null : thinProducts(tw, d, rows, a, g);
  const lossSeed = compileLossSeed(loss, rows, C);
  const tanhSites = a.map(() => new TanhSite());

  function forward(params: readonly Float64Array[], x: Float64Array, sk: StreamKernels): void {
    a[0] = x;
    thin?.setInput(x);
    for (let l = 1; l <= L; l++) {
      const nIn = d[l - 1],
        nOut = d[l];
      const out = a[l];
      if (thin === null || !thin.forward(l, params[(l - 1) * per]))
        gemmDispatch(rows, nOut, nIn, a[l - 1], 0, false, params[(l - 1) * per], 0, true, out, 0);
      const last = l === L;
      if (!last && tw !== null) {
        if (bias) tw.biasTanhAt(aAt[l], params[(l - 1) * per + 1], rows, nOut);
        else tw.tanhAtSite(tanhSites[l], aAt[l], aAt[l], rows * nOut);
        continue;
      }
      if (bias) sk.biasAct(out, params[(l - 1) * per + 1], rows, nOut, !last && act === "relu");
      else if (!last && act === "relu") reluForward(out, out);
      if (!last && act === "tanh") tanhInto(out, out);
    }
  }

  /** The reverse pass from g[L]; weight gradients into row `row` of dst unless dst is null. */
  function backward(
    params: readonly Float64Array[],
    dst: readonly Float64Array[] | null,
    row: number,
    sk: StreamKernels,
  ): void {
    // relu with biases: layer l − 1's bias gradient is summed in the pass that applies relu's
    // mask to its cotangent (the same sums in the same order as colSums over that cotangent).
    const fuseBias = act === "relu" && bias && dst !== null;
    for (let l = L; l >= 1; l--) {
      const nIn = d[l - 1],
        nOut = d[l];
      const gl = g[l];
      const w = (l - 1) * per;
      if (l > 1) {
        const gPrev = g[l - 1],
          gA = gOut[l - 1];
        if (thin === null || !thin.backward(l, params[w], gA))
          gemmDispatch(rows, nIn, nOut, gl, 0, false, params[w], 0, false, gA, 0);
        if (fuseBias) sk.reluBackwardColSums(gA, a[l - 1], rows, nIn, gPrev, rowOf(dst[w - 1], row, nIn));
        else if (act === "relu") sk.reluMask(gA, a[l - 1], gPrev);
        else if (act === "tanh") {
          if (tw !== null) tw.backwardAt(gOutAt[l - 1], aAt[l - 1], gAt[l - 1], rows * nIn);
          else sk.tanhMask(gA, a[l - 1], gPrev);
        } else if (gA !== gPrev) gPrev.set(gA);
      }
      if (dst === null) continue;
      // A hidden layer's relu cotangent is zero wherever its unit was off: the weight gradient may
      // leave those terms out (the same bits; docs/performance.md §skipping-relu-zeros).
      if (l < L && act === "relu")
        gemmTransASkippingZeros(nOut, nIn, rows, gl, 0, a[l - 1], 0, dst[w], row * nOut * nIn);
      else if (thin === null || !thin.weightGrad(l, dst[w], row * nOut * nIn))
        gemmDispatch(nOut, nIn, rows, gl, 0, true, a[l - 1], 0, false, dst[w], row * nOut * nIn);
      if (bias && !(fuseBias && l < L)) sk.colSums(gl, rows, nOut, rowOf(dst[w + 1], row, nOut));
    }
  }

  /**
   * Row `row` of n values of a; an array of exactly one row (the plan's own gradient) without a view.
   * Row 0 of a per-sample output is still a view: kernels that size by `.length` must never see the
   * other rows (another thread may be writing them).
   */
  function rowOf(a: Float64Array, row: number, n: number): Float64Array {
    return row === 0 && a.length === n ? a : a.subarray(row * n, (row + 1) * n);
  }

  function check(params: readonly Float64Array[], x: Float64Array): void {
    if (params.length !== L * per)
      throw new InputError(`compile: ${params.length} parameter leaves, expected ${L * per}`);
    if (x.length !== rows * d[0])
      throw new InputError(`compile: input of ${x.length} values, expected ${rows}×${d[0]}`);
  }

  function runInto(
    params: readonly Float64Array[],
    x: Float64Array,
    target: Float64Array,
    dst: readonly Float64Array[],
    row: number,
  ): number {
    check(params, x);
    const sk = streamKernels();
    forward(params, x, sk);
    const value = lossSeed.run(a[L], target, g[L]);
    backward(params, dst, row, sk);
    return value;
  }

  return {
    rows,
    grads,
    internals: { outputs: a, preCt: g, outCt: gOut, logProbs: lossSeed.logProbs },
    run: (params, x, target) => runInto(params, x, target, grads, 0),
    runInto,
    perRowCotangents(params, x, target, values) {
      check(params, x);
      if (values.length !== rows) throw new InputError(`compile: ${values.length} loss slots for ${rows} rows`);
      const sk = streamKernels();
      forward(params, x, sk);
      lossSeed.run(a[L], target, g[L], values);
      backward(params, null, 0, sk);
    },
  };
}
