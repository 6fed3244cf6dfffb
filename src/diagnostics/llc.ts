/**
 * The local learning coefficient (LLC) estimate of singular learning theory, as devinterp computes
 * it (Lau et al. 2023, arXiv:2308.12108), docs/monitor.md §llc:
 *
 *   λ̂(w*) = nβ (E_π[L_n(w)] − L_n(w*)),   π(w) ∝ exp(−nβ L_n(w) − (γ/2)|w − w*|²),
 *
 * with n the number of training samples, nβ the inverse temperature times n (devinterp's default
 * β = 1/log n) and γ the localisation strength. π is sampled with the Metropolis-adjusted Langevin
 * chain of the local-entropy estimators (coarse/mala.ts) on the full-batch loss: in its notation
 * β_s = nβ, λ = 1, x = w*, t = nβ/γ, so β_s|y − x|²/(2t) = γ|y − x|²/2. The Metropolis step makes
 * the sampled law exactly π (devinterp's SGLD without it has an O(step) bias). Standard error by
 * batch means over the kept samples.
 *
 * For a quadratic L_n(w) = L₀ + ½(w − w*)ᵀA(w − w*), π is Gaussian with precision nβA + γI and
 *   λ̂ = (nβ/2) Σᵢ aᵢ/(nβ aᵢ + γ)  → d/2 as γ/(nβ) → 0,
 * which is the test oracle. The Euclidean localisation term is not invariant under rescaling
 * symmetries, so λ̂ is a raw observable.
 */
import { type Key, normalArray, split } from "../core/random.ts";
import { initialState, langevinRun } from "../coarse/mala.ts";
import { BatchMeans, pooledBatchMeans } from "../coarse/stats.ts";
import type { Objective } from "../coarse/types.ts";

export interface LlcOptions {
  /** Number of samples n the loss averages over. */
  n: number;
  /** nβ (default n/log n, devinterp's β = 1/log n). */
  nBeta?: number;
  /** Localisation γ (default 100). */
  gamma?: number;
  /** Burn-in steps (the step size adapts here; default 100) and kept samples (default 200). */
  burnIn?: number;
  samples?: number;
  /** Batches for the batch-means standard error (default 10). */
  batches?: number;
  key: Key;
}

export interface LlcEstimate {
  llc: number;
  stderr: number;
  /** E_π[L_n] and L_n(w*). */
  meanLoss: number;
  loss0: number;
  nBeta: number;
  gamma: number;
  acceptance: number;
}

export function estimateLlc(obj: Objective, w: Float64Array, o: LlcOptions): LlcEstimate {
  if (!obj.valueAndGrad) throw new Error("llc: the objective needs gradients");
  const nBeta = o.nBeta ?? o.n / Math.log(Math.max(o.n, 3));
  const gamma = o.gamma ?? 100;
  const burnIn = o.burnIn ?? 100;
  const samples = o.samples ?? 200;
  const batches = o.batches ?? 10;
  if (!(nBeta > 0) || !(gamma > 0)) throw new Error(`llc: need nβ > 0 and γ > 0, got ${nBeta}, ${gamma}`);
  if (samples < 2 * batches) throw new Error(`llc: need at least ${2 * batches} samples, got ${samples}`);
  const t = nBeta / gamma;
  const [kStart, kBurn, kRun] = split(o.key, 3);
  // Start near w*: a draw from the localising Gaussian alone, N(w*, 1/(nβ + γ)) per coordinate, shrunk.
  const z = normalArray(kStart, obj.dim);
  const s0 = 0.1 / Math.sqrt(nBeta + gamma);
  const y0 = Float64Array.from(w, (v, i) => v + s0 * z[i]);
  const loss0 = obj.value(w);
  const state = initialState(obj, y0, 0.1 / (nBeta + gamma));
  const settings = { x: w, t, beta: nBeta, lambda: 1, adjust: true };
  langevinRun(obj, settings, state, { steps: burnIn, key: kBurn, adapt: true });
  const bm = new BatchMeans(1, Math.floor(samples / batches));
  const v = new Float64Array(1);
  const acceptance = langevinRun(obj, settings, state, {
    steps: samples,
    key: kRun,
    adapt: false,
    onSample: (st) => {
      v[0] = st.f;
      bm.push(v);
    },
  });
  const pooled = pooledBatchMeans([bm]);
  const meanLoss = pooled.mean[0];
  return {
    llc: nBeta * (meanLoss - loss0),
    stderr: nBeta * pooled.se[0],
    meanLoss,
    loss0,
    nBeta,
    gamma,
    acceptance,
  };
}
