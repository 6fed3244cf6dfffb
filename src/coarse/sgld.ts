/**
 * The SGLD (Entropy-SGD inner loop) estimator, Metropolis-adjusted by default (see mala.ts).
 *
 * ∇u: chains sample ρ_x = π₁; ∇u = (x − ⟨y⟩)/t with the batch-means standard error of ⟨y⟩ (pooled
 * over chains) divided by t.
 *
 * u: samples of ρ_x alone do not give the normalising constant, so u comes from thermodynamic
 * integration along the loss coupling λ with the kernel held fixed (no use of the HJ equation):
 *   Z(λ) = E_{N(x, t/β)}[e^{−λβf}],  d log Z/dλ = −β E_{π_λ}[f],  Z(0) = 1
 *   ⇒  u = −β⁻¹ log Z(1) = ∫₀¹ E_{π_λ}[f] dλ.
 * λ = 0 is the Gaussian kernel itself (sampled i.i.d.); each λ_k = k/K > 0 is sampled by the chains
 * (warm-started from the previous node, fresh burn-in). The integral is composite Simpson on the K
 * intervals; its discretisation error is the Richardson estimate |S_K − S_{K/2}|/15, added in
 * quadrature to the Monte Carlo error √(Σ w_k² se_k²) (independent chains per node).
 * The Langevin steps use full-batch ∇f, so the sampled law is exactly π_λ: minibatch noise would
 * add an uncontrolled extra temperature (docs/theory.md §a.8).
 * With a target error the whole estimate is rerun with doubled samples per chain until it is met
 * (the reported sample count includes the discarded runs).
 */
import { foldIn, normalArray, split } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { checkCommon, finiteOrInf } from "./check.ts";
import { initialState, langevinRun, type ChainState, type LangevinSettings } from "./mala.ts";
import { BatchMeans, gradientSummary, pooledBatchMeans, rHat, simpsonWeights } from "./stats.ts";
import type { LocalEntropyResult, Objective, SgldOptions } from "./types.ts";
import { integer, positive } from "../validate.ts";

interface NodeStat {
  lambda: number;
  meanF: number;
  se: number;
  acceptance: number;
  stepSize: number;
}

export function sgldEstimate(obj: Objective, x: Float64Array, o: SgldOptions): LocalEntropyResult {
  const key = checkCommon(obj, x, o);
  if (!obj.valueAndGrad) throw new InputError("sgld: the objective has no gradient");
  const chains = integer(o.chains ?? 4, "chains", 1);
  const burnIn = integer(o.burnIn ?? 500, "burnIn", 0);
  const batches = integer(o.batches ?? 20, "batches", 1);
  let S = integer(o.samples ?? 2000, "samples", 1);
  if (S < batches)
    throw new InputError(`samples: need at least batches = ${batches} samples per chain, got ${S}`, {
      field: "samples",
    });
  if (chains * batches < 2) throw new InputError("sgld: need at least 2 batches in total (chains × batches)");
  const K = integer(o.lambdas ?? 16, "lambdas", 4);
  if (K % 4 !== 0)
    throw new InputError(`lambdas: must be a multiple of 4 (Simpson with a Richardson check), got ${K}`, {
      field: "lambdas",
    });
  if (o.stepSize !== undefined) positive(o.stepSize, "stepSize");
  const adjust = o.adjust ?? true;
  if (!adjust && o.stepSize === undefined)
    throw new InputError("sgld: the unadjusted sampler (adjust: false) needs an explicit stepSize");
  const integrate = o.integrate ?? true;
  const target = o.stderr === undefined ? undefined : positive(o.stderr, "stderr");
  const maxS = integer(o.maxSamples ?? 64 * S, "maxSamples", S);

  let r = runOnce(obj, x, o, { key, chains, burnIn, batches, S, K, adjust, integrate });
  const errOf = (res: LocalEntropyResult) => (integrate ? (res.stderr as number) : res.gradNormStderr);
  while (target !== undefined && errOf(r) > target && 2 * S <= maxS) {
    S *= 2;
    const prev = r.samples;
    r = runOnce(obj, x, o, { key, chains, burnIn, batches, S, K, adjust, integrate });
    r.samples += prev;
  }
  if (target !== undefined && errOf(r) > target)
    r.warnings.push(`sgld: error ${errOf(r).toPrecision(3)} > target ${target} at the cap of ${S} samples per chain`);
  return r;
}

interface Plan {
  key: readonly [number, number];
  chains: number;
  burnIn: number;
  batches: number;
  S: number;
  K: number;
  adjust: boolean;
  integrate: boolean;
}

function runOnce(obj: Objective, x: Float64Array, o: SgldOptions, p: Plan): LocalEntropyResult {
  const { t, beta } = o;
  const n = obj.dim;
  const sigma = Math.sqrt(t / beta);
  const [kInit, kIid, kNodes] = split(p.key, 3);
  const eta0 = o.stepSize ?? 0.5 * t * Math.pow(n, -1 / 3);
  const z0 = normalArray(kInit, p.chains * n);
  const states: ChainState[] = Array.from({ length: p.chains }, (_, c) =>
    initialState(
      obj,
      Float64Array.from(x, (xj, j) => xj + sigma * z0[c * n + j]),
      eta0,
    ),
  );
  let steps = p.chains;
  const nodes: NodeStat[] = [];

  if (p.integrate) nodes.push(kernelNode(obj, x, sigma, p.chains * p.S, kIid));
  if (p.integrate) steps += p.chains * p.S;
  const lambdas = p.integrate ? Array.from({ length: p.K }, (_, k) => (k + 1) / p.K) : [1];
  const batchSize = Math.floor(p.S / p.batches);
  let last: BatchMeans[] = [];
  lambdas.forEach((lambda, idx) => {
    const s: LangevinSettings = { x, t, beta, lambda, adjust: p.adjust };
    const isLast = idx === lambdas.length - 1;
    const bm = states.map(() => new BatchMeans(isLast ? 1 + n : 1, batchSize));
    let acc = 0;
    states.forEach((st, c) => {
      const kc = foldIn(foldIn(kNodes, idx), c);
      const [kb, ks] = split(kc, 2);
      langevinRun(obj, s, st, { steps: p.burnIn, key: kb, adapt: o.stepSize === undefined });
      const v = new Float64Array(isLast ? 1 + n : 1);
      acc += langevinRun(obj, s, st, {
        steps: p.S,
        key: ks,
        adapt: false,
        onSample: (state) => {
          v[0] = state.f;
          if (isLast) v.set(state.y, 1);
          bm[c].push(v);
        },
      });
    });
    steps += p.chains * (p.burnIn + p.S);
    const pooled = pooledBatchMeans(bm);
    nodes.push({
      lambda,
      meanF: pooled.mean[0],
      se: pooled.se[0],
      acceptance: acc / p.chains,
      stepSize: states.reduce((a, st) => a + st.eta, 0) / p.chains,
    });
    if (isLast) last = bm;
  });

  const pooled = pooledBatchMeans(last);
  const rh = rHat(last);
  const mean = pooled.mean.slice(1);
  const grad = new Float64Array(n);
  const gradStderr = new Float64Array(n);
  let ess = Infinity;
  for (let j = 0; j < n; j++) {
    grad[j] = (x[j] - mean[j]) / t;
    gradStderr[j] = pooled.se[1 + j] / t;
    if (pooled.se[1 + j] > 0) ess = Math.min(ess, pooled.variance[1 + j] / pooled.se[1 + j] ** 2);
  }
  const warnings: string[] = [];
  let u: number | null = null;
  let stderr: number | null = null;
  let tiDetails: Record<string, number> = {};
  if (p.integrate) {
    const w = simpsonWeights(p.K, 1 / p.K);
    const wHalf = simpsonWeights(p.K / 2, 2 / p.K);
    u = nodes.reduce((s, nd, k) => s + w[k] * nd.meanF, 0);
    const coarse = nodes.reduce((s, nd, k) => (k % 2 === 0 ? s + wHalf[k / 2] * nd.meanF : s), 0);
    const seMC = Math.sqrt(nodes.reduce((s, nd, k) => s + (w[k] * nd.se) ** 2, 0));
    const quadError = Math.abs(u - coarse) / 15;
    stderr = Math.hypot(seMC, quadError);
    tiDetails = { monteCarloStderr: seMC, lambdaQuadratureError: quadError };
    if (quadError > seMC)
      warnings.push(
        `sgld: the λ-quadrature error ${quadError.toPrecision(3)} exceeds the Monte Carlo error ${seMC.toPrecision(3)}: use more lambdas`,
      );
  }
  const fin = nodes[nodes.length - 1];
  if (p.adjust && (fin.acceptance < 0.15 || fin.acceptance > 0.95))
    warnings.push(
      `sgld: MALA acceptance ${fin.acceptance.toFixed(3)} is far from ${0.574} — the step size did not adapt (longer burnIn?)`,
    );
  if (!p.adjust)
    warnings.push("sgld: unadjusted Langevin (ULA) has an O(η) bias that the standard errors do not include");
  const maxRhat = Math.max(...Array.from(rh).filter((v) => !Number.isNaN(v)), 1);
  if (maxRhat > 1.1)
    warnings.push(
      `sgld: chains disagree (R̂ = ${maxRhat.toFixed(2)} > 1.1): the Gibbs measure may be multimodal or the chains too short`,
    );
  return {
    method: "sgld",
    t,
    beta,
    nu: 1 / (2 * beta),
    dim: n,
    u,
    uNote: p.integrate
      ? `thermodynamic integration u = ∫₀¹ E_{π_λ}[f] dλ over ${p.K + 1} λ nodes (Simpson), π_λ ∝ e^{−β(λf(y) + |y−x|²/(2t))}`
      : "not estimated: Langevin samples of ρ_x give ∇u only (enable integrate for thermodynamic integration)",
    stderr,
    errorKind: "statistical",
    ...gradientSummary(grad, gradStderr),
    mean,
    ess: Number.isFinite(ess) ? ess : pooled.batches * batchSize,
    samples: steps,
    warnings,
    details: {
      sampler: p.adjust ? "mala" : "ula",
      chains: p.chains,
      burnIn: p.burnIn,
      samplesPerChain: p.S,
      batchesPerChain: p.batches,
      rHat: maxRhat,
      nodes,
      ...tiDetails,
    },
  };
}

/** E_{N(x, σ²I)}[f] by i.i.d. sampling (the λ = 0 node), with se = sd/√N. */
function kernelNode(obj: Objective, x: Float64Array, sigma: number, N: number, k: readonly [number, number]): NodeStat {
  const n = obj.dim;
  const z = normalArray(k, N * n);
  const y = new Float64Array(n);
  let shift = NaN; // sums of f − f₀ avoid cancellation in the variance when |f| ≫ sd(f)
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < n; j++) y[j] = x[j] + sigma * z[i * n + j];
    const f = finiteOrInf(obj.value(y), "at a kernel sample");
    if (!Number.isFinite(f))
      throw new Error("thermodynamic integration: f = ±∞ at a kernel sample (E[f] under the kernel must be finite)");
    if (i === 0) shift = f;
    s += f - shift;
    s2 += (f - shift) ** 2;
  }
  const m = s / N;
  return {
    lambda: 0,
    meanF: shift + m,
    se: Math.sqrt(Math.max(0, s2 / N - m * m) / (N - 1)),
    acceptance: 1,
    stepSize: 0,
  };
}
