/**
 * layerNorm(x, γ?, β?, eps = 1e-5) over the last axis as one primitive:
 * (x − μ)/√(σ² + eps)·γ + β with the biased variance (torch.nn.LayerNorm). One fused pass
 * forward and one backward instead of a dozen element-wise ops.
 *
 * VJP, with x̂ = (x − μ)·rstd and ĝ = g·γ: dx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),
 * dγ = Σ g·x̂, dβ = Σ g. When the backward pass is itself recorded (higher-order derivatives) the
 * same formula is built from differentiable primitives, so every order stays exact. γ and β of
 * any other shape than [d] use the composite definition (composite/layerNorm.ts).
 */
import { Tensor, type OpDef } from "../tensor.ts";
import { isTracing, record } from "../tape.ts";
import { layerNormForward, layerNormBackward } from "../kernels/fused.ts";
import { layerNorm as layerNormComposite } from "../composite/layerNorm.ts";
import { allocF64, allocF64Uninit } from "../kernels/alloc.ts";

interface LnAttrs {
  eps: number;
  hasGamma: boolean;
  hasBeta: boolean;
  mean: Float64Array;
  rstd: Float64Array;
}

const layerNormOp: OpDef = {
  name: "layerNorm",
  vjp: (F, g, inputs, _out, at: LnAttrs) => {
    const x = inputs[0];
    const gamma = at.hasGamma ? inputs[1] : null;
    const beta = at.hasBeta ? inputs[at.hasGamma ? 2 : 1] : null;
    const d = x.shape[x.ndim - 1];
    const wantGamma = gamma !== null && gamma.requiresGrad;
    const wantBeta = beta !== null && beta.requiresGrad;
    if (!isTracing()) {
      const rows = d === 0 ? 0 : x.size / d;
      const dx = x.requiresGrad ? allocF64Uninit(x.size) : null;
      const dg = wantGamma ? allocF64(d) : null;
      const db = wantBeta ? allocF64(d) : null;
      layerNormBackward(g.data, x.data, rows, d, gamma ? gamma.data : null, at.mean, at.rstd, dx, dg, db);
      const res: (Tensor | null)[] = [dx ? new Tensor(dx, x.shape) : null];
      if (gamma) res.push(dg ? new Tensor(dg, gamma.shape) : null);
      if (beta) res.push(db ? new Tensor(db, beta.shape) : null);
      return res;
    }
    // Recorded backward: the same formula from primitives.
    const mu = F.mean(x, -1, true);
    const xc = F.sub(x, mu);
    const rstd = F.div(1, F.sqrt(F.add(F.mean(F.mul(xc, xc), -1, true), at.eps)));
    const xhat = F.mul(xc, rstd);
    const gh = gamma ? F.mul(g, gamma) : g;
    const res: (Tensor | null)[] = [
      x.requiresGrad
        ? F.mul(rstd, F.sub(F.sub(gh, F.mean(gh, -1, true)), F.mul(xhat, F.mean(F.mul(gh, xhat), -1, true))))
        : null,
    ];
    if (gamma) res.push(wantGamma ? F.sumTo(F.mul(g, xhat), gamma.shape) : null);
    if (beta) res.push(wantBeta ? F.sumTo(g, beta.shape) : null);
    return res;
  },
};

export function layerNorm(x: Tensor, gamma?: Tensor, beta?: Tensor, eps = 1e-5): Tensor {
  const d = x.ndim === 0 ? 0 : x.shape[x.ndim - 1];
  const fits = (t?: Tensor) => t === undefined || (t.ndim === 1 && t.size === d);
  if (x.ndim === 0 || d === 0 || !fits(gamma) || !fits(beta)) return layerNormComposite(x, gamma, beta, eps);
  const rows = x.size / d;
  const out = allocF64Uninit(x.size);
  const mean = allocF64(rows);
  const rstd = allocF64(rows);
  layerNormForward(x.data, rows, d, gamma ? gamma.data : null, beta ? beta.data : null, eps, out, mean, rstd);
  const inputs = [x];
  if (gamma) inputs.push(gamma);
  if (beta) inputs.push(beta);
  const attrs: LnAttrs = { eps, hasGamma: gamma !== undefined, hasBeta: beta !== undefined, mean, rstd };
  return record(new Tensor(out, x.shape), layerNormOp, inputs, attrs);
}
