/**
 * The compiled Hessian-vector product of a dense network's loss (docs/performance.md
 * §compiled-step): H·v for an `mlp` model on a batch of a fixed size, by the R-operator
 * (Pearlmutter 1994: forward-over-reverse) over the buffers of the gradient plan (./mlpGrad.ts),
 * every buffer allocated once.
 *
 * With h_l = a_{l−1}W_lᵀ + b_l, a_l = σ(h_l) and the direction v = (V_l, c_l), R{·} the directional
 * derivative along v:
 *
 *   R-forward   Rh_l = a_{l−1}V_lᵀ + Ra_{l−1}W_lᵀ + c_l,   Ra_l = σ'(h_l)⊙Rh_l   (Ra_0 = 0)
 *   R-loss      xent: R g_z = p⊙(Rz − Σ_j p_j Rz_j)/N per row (p = softmax z);  mse: R g_z = 2Rz/n
 *   R-backward  (Hv)_{W_l} = R g_{h_l}ᵀ a_{l−1} + g_{h_l}ᵀ Ra_{l−1},   (Hv)_{b_l} = Σ_rows R g_{h_l}
 *               R g_{a_{l−1}} = R g_{h_l} W_l + g_{h_l} V_l
 *               R g_{h_l} = σ'(h_l)⊙R g_{a_l} + R{σ'(h_l)}⊙g_{a_l}
 *
 * with σ' = 1 − a² and R{σ'} = −2a⊙Ra for tanh, σ' = [a > 0] and R{σ'} = 0 for relu (as the eager
 * path's derivative: the mask is a constant). This is the same H·v as the eager `hvp` (reverse over
 * reverse) in exact arithmetic; in floating point it is a different sum, so the two agree to
 * rounding (test/compiled/hvp.test.ts: every component within 1e-14 of the largest |(Hv)ᵢ|), not bit for bit. The loss and gradient it
 * returns are the gradient plan's, bit-identical to `valueAndGrad`.
 */
import { gemmDispatch, gemmTransA, gemmTransASkippingZeros, streamKernels } from "../core/backends/gemm/index.ts";
import type { StreamKernels } from "../core/kernels/stream.ts";
import { InputError } from "../errors.ts";
import type { MlpConfig } from "../nn/families/mlp.ts";
import type { LossName } from "../nn/losses.ts";
import { compileMlpGrad } from "./mlpGrad.ts";

export interface MlpHvpPlan {
  readonly rows: number;
  /** ∇θ of the last run (leaves in `mlpLeafNames` order); overwritten by the next run. */
  readonly grads: readonly Float64Array[];
  /** H·v of the last run, leaf by leaf; overwritten by the next run. */
  readonly hvp: readonly Float64Array[];
  /** The loss at `params` on (x, target); writes `grads` and `hvp` for the direction `v` (leaves like params). */
  run(params: readonly Float64Array[], v: readonly Float64Array[], x: Float64Array, target: Float64Array): number;
}

export function compileMlpHvp(cfg: MlpConfig, loss: LossName, rows: number): MlpHvpPlan {
  const plan = compileMlpGrad(cfg, loss, rows, { keepOutputCotangents: true });
  const { outputs: a, preCt: gH, outCt: gA, logProbs } = plan.internals;
  const d = cfg.sizes;
  const L = d.length - 1;
  const C = d[L];
  const bias = cfg.bias;
  const per = bias ? 2 : 1;
  const act = cfg.activation;
  const hv = plan.grads.map((x) => new Float64Array(x.length));
  // ra[l]: Rh_l, then (hidden layers) Ra_l in place; rg[l]: R g_{h_l}.
  const ra: Float64Array[] = [new Float64Array(0)];
  const rg: Float64Array[] = [new Float64Array(0)];
  let maxAct = 0,
    maxW = 0;
  for (let l = 1; l <= L; l++) {
    ra.push(new Float64Array(rows * d[l]));
    rg.push(new Float64Array(rows * d[l]));
    maxAct = Math.max(maxAct, rows * d[l]);
    maxW = Math.max(maxW, d[l] * d[l - 1]);
  }
  const tmpAct = new Float64Array(maxAct);
  const tmpW = new Float64Array(maxW);

  function rForward(params: readonly Float64Array[], v: readonly Float64Array[], sk: StreamKernels): void {
    for (let l = 1; l <= L; l++) {
      const nIn = d[l - 1],
        nOut = d[l];
      const w = (l - 1) * per;
      const rh = ra[l];
      gemmDispatch(rows, nOut, nIn, a[l - 1], 0, false, v[w], 0, true, rh, 0);
      if (l > 1) {
        gemmDispatch(rows, nOut, nIn, ra[l - 1], 0, false, params[w], 0, true, tmpAct, 0);
        sk.addTo(rh, tmpAct, rows * nOut);
      }
      if (bias) sk.biasAct(rh, v[w + 1], rows, nOut, false);
      if (l < L) derivativeTimes(a[l], rh, sk);
    }
  }

  /** Rh ← σ'(h)⊙Rh in place (from the layer's output a): relu's mask, or Rh·(1 − a²) for tanh. */
  function derivativeTimes(al: Float64Array, rh: Float64Array, sk: StreamKernels): void {
    if (act === "relu") sk.reluMask(rh, al, rh);
    else if (act === "tanh") sk.tanhMask(rh, al, rh);
  }

  function rLoss(): void {
    const rz = ra[L],
      out = rg[L];
    if (loss === "xent") {
      for (let r = 0, o = 0; r < rows; r++, o += C) {
        let s = 0;
        for (let j = 0; j < C; j++) s += Math.exp(logProbs[o + j]) * rz[o + j];
        for (let j = 0; j < C; j++) out[o + j] = (Math.exp(logProbs[o + j]) * (rz[o + j] - s)) / rows;
      }
      return;
    }
    const c = 2 / (rows * C);
    for (let i = 0; i < out.length; i++) out[i] = c * rz[i];
  }

  function rBackward(params: readonly Float64Array[], v: readonly Float64Array[], sk: StreamKernels): void {
    for (let l = L; l >= 1; l--) {
      const nIn = d[l - 1],
        nOut = d[l];
      const w = (l - 1) * per;
      const rgl = rg[l],
        gl = gH[l];
      // Below the logits both cotangents carry relu's mask: their products may leave out its
      // zeros, with the dense product's bits (docs/performance.md §skipping-relu-zeros).
      const weightGrad = l < L && act === "relu" ? gemmTransASkippingZeros : gemmTransA;
      weightGrad(nOut, nIn, rows, rgl, 0, a[l - 1], 0, hv[w], 0);
      if (l > 1) {
        weightGrad(nOut, nIn, rows, gl, 0, ra[l - 1], 0, tmpW, 0);
        sk.addTo(hv[w], tmpW, nOut * nIn);
      }
      if (bias) sk.colSums(rgl, rows, nOut, hv[w + 1]);
      if (l === 1) continue;
      const rgA = rg[l - 1];
      gemmDispatch(rows, nIn, nOut, rgl, 0, false, params[w], 0, false, rgA, 0);
      gemmDispatch(rows, nIn, nOut, gl, 0, false, v[w], 0, false, tmpAct, 0);
      sk.addTo(rgA, tmpAct, rows * nIn);
      const al = a[l - 1],
        ral = ra[l - 1],
        ga = gA[l - 1];
      if (act === "relu") for (let i = 0; i < rgA.length; i++) rgA[i] = al[i] > 0 ? rgA[i] : 0;
      else if (act === "tanh")
        for (let i = 0; i < rgA.length; i++) {
          const y = al[i];
          rgA[i] = (1 - y * y) * rgA[i] - 2 * y * ral[i] * ga[i];
        }
    }
  }

  return {
    rows,
    grads: plan.grads,
    hvp: hv,
    run(params, v, x, target) {
      if (v.length !== params.length || v.some((t, i) => t.length !== params[i].length))
        throw new InputError("compile: the direction v must have the leaves and sizes of the parameters");
      const value = plan.run(params, x, target);
      const sk = streamKernels();
      rForward(params, v, sk);
      rLoss();
      rBackward(params, v, sk);
      return value;
    },
  };
}
