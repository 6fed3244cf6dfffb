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
 * quadrature to the Monte Carlo error: the larger of √(Σ w_k² se_k²) (batch means per node) and
 * the Student-t-scaled spread of the chains' own TI estimates (a chain carries its state from node
 * to node, so node means are correlated and the first alone understates the error).
 * The Langevin steps use full-batch ∇f, so the sampled law is exactly π_λ: minibatch noise would
 * add an uncontrolled extra temperature (docs/theory.md §a.8).
 * With a target error the whole estimate is rerun with doubled samples per chain until it is met
 * (the reported sample count includes the discarded runs).
 * Over-dispersed starts (docs/local-entropy.md §modes): even chains start from kernel draws, odd
 * chains from the Gibbs kernel's modes found by a multi-start search (largest Laplace mass first)
 * and return there at every λ node, so a mode the chains cannot leave shows up as R̂ ≫ 1 instead
 * of hiding. The error bars are
 * withdrawn when R̂ > RHAT_MAX at any λ node, when the mode search found several modes with a
 * Laplace mass share ≥ MODE_SHARE and some chain never visited one of them at λ = 1 (chains weigh
 * modes by how often they cross the barriers; chains that never crossed agree with each other and
 * R̂ cannot see it), when MALA's acceptance is far from its target, or for unadjusted Langevin
 * (its O(η) bias is not in the standard error).
 * Chains are independent given their keys and run one after another (./sgldChains.ts); with two
 * threads and a portable objective half of them run on a worker thread (./chainThreads.ts,
 * docs/local-entropy.md §threads), with the same bits.
 */
import { foldIn, normalArray, split } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { checkCommon, finiteOrInf } from "./check.ts";
import { onChainThreads, startChains } from "./chainThreads.ts";
import { AT_START, firstFailure, runChain, type ChainJob, type ChainRecord } from "./sgldChains.ts";
import { gradientSummary, pooledBatchMeans, rHat, simpsonWeights } from "./stats.ts";
import { searchModes, type KernelMode } from "./modes.ts";
import { certify, type Uncertified } from "./reliability.ts";
import type { LocalEntropyResult, Objective, SgldOptions } from "./types.ts";
import { integer, positive } from "../validate.ts";

/** Largest Gelman–Rubin R̂ (over coordinates and λ nodes) with which sgld's error bars are kept. */
export const RHAT_MAX = 1.05;

interface NodeStat {
  lambda: number;
  meanF: number;
  se: number;
  /** E[f] per chain (λ > 0 nodes). */
  chainMeans?: number[];
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

  // Two threads: the chains split over a worker, and every product of the estimate runs at one
  // GEMM thread, so the result is the one-thread result bit for bit (docs/local-entropy.md §threads).
  return onChainThreads(obj, chains, "chains", (threads) => {
    const { starts, modes } = chainStarts(obj, x, o.t, o.beta, chains, foldIn(key, 0x5ea7));
    const share = modeShares(modes);
    const major = modes.filter((_, k) => share[k] >= MODE_SHARE);
    const plan = (samples: number): Plan => ({
      key,
      chains,
      burnIn,
      batches,
      S: samples,
      K,
      adjust,
      integrate,
      starts,
      modes: major,
      threads,
    });
    let r = runOnce(obj, x, o, plan(S));
    const errOf = (res: Run) => (integrate ? (res.result.stderr as number) : (res.result.gradNormStderr as number));
    while (target !== undefined && r.failures.length === 0 && errOf(r) > target && 2 * S <= maxS) {
      S *= 2;
      const prev = r.result.samples;
      r = runOnce(obj, x, o, plan(S));
      r.result.samples += prev;
    }
    if (target !== undefined && r.failures.length === 0 && errOf(r) > target)
      r.result.warnings.push(
        `sgld: error ${errOf(r).toPrecision(3)} > target ${target} at the cap of ${S} samples per chain`,
      );
    return certify(r.result, r.failures, { ...r.checks, modes: major.length });
  });
}

/** Laplace mass share from which a mode counts: every chain must visit it (else the error bars are withdrawn). */
export const MODE_SHARE = 1e-3;

function modeShares(modes: readonly KernelMode[]): number[] {
  if (modes.length === 0) return [];
  const top = modes[0].logMass;
  const w = modes.map((m) => Math.exp(m.logMass - top));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/**
 * Chain starts: even chains x + σz (kernel draws), odd chains a Laplace draw at the modes of the
 * multi-start search, cycling through them by Laplace mass.
 */
function chainStarts(
  obj: Objective,
  x: Float64Array,
  t: number,
  beta: number,
  chains: number,
  k: readonly [number, number],
): { starts: Float64Array[]; modes: KernelMode[] } {
  const n = obj.dim;
  const sigma = Math.sqrt(t / beta);
  const z = normalArray(foldIn(k, 0), chains * n);
  const modes = chains > 1 ? searchModes(obj, { x, t, beta, key: foldIn(k, 1) }).modes : [];
  const starts = Array.from({ length: chains }, (_, c) => {
    const zc = z.subarray(c * n, (c + 1) * n);
    if (c % 2 === 0 || modes.length === 0) return Float64Array.from(x, (xj, j) => xj + sigma * zc[j]);
    return modes[((c - 1) / 2) % modes.length].fit.sample(zc);
  });
  return { starts, modes };
}

interface Run {
  result: Uncertified;
  failures: string[];
  checks: Record<string, number | boolean | string | null>;
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
  starts: Float64Array[];
  /** Modes with a Laplace mass share ≥ MODE_SHARE. */
  modes: KernelMode[];
  /** 2: half of the chains run on a worker thread. */
  threads: 1 | 2;
}

function runOnce(obj: Objective, x: Float64Array, o: SgldOptions, p: Plan): Run {
  const { t, beta } = o;
  const n = obj.dim;
  const sigma = Math.sqrt(t / beta);
  const [, kIid, kNodes] = split(p.key, 3);
  const lambdas = p.integrate ? Array.from({ length: p.K }, (_, k) => (k + 1) / p.K) : [1];
  const batchSize = Math.floor(p.S / p.batches);
  const job: ChainJob = {
    x,
    t,
    beta,
    adjust: p.adjust,
    adapt: o.stepSize === undefined,
    eta0: o.stepSize ?? 0.5 * t * Math.pow(n, -1 / 3),
    burnIn: p.burnIn,
    S: p.S,
    batchSize,
    lambdas,
    kNodes,
    modes: p.modes.map((m) => m.fit.form),
  };
  const fits = p.modes.map((m) => m.fit);
  // chains [0, h) here, [h, C) on the worker when two threads run (the worker's half is the larger:
  // this thread also samples the λ = 0 node)
  const h = p.threads === 2 ? Math.floor(p.chains / 2) : p.chains;
  const pending =
    h < p.chains
      ? startChains(
          obj,
          job,
          p.starts.slice(h).map((start, i) => ({ c: h + i, start })),
        )
      : null;
  let kernel: NodeStat | null = null;
  let kernelError: unknown = null;
  let records: ChainRecord[];
  try {
    if (p.integrate) {
      try {
        kernel = kernelNode(obj, x, sigma, p.chains * p.S, kIid);
      } catch (e) {
        kernelError = e;
      }
    }
    records = p.starts.slice(0, h).map((start, c) => runChain(obj, job, c, start, fits));
    if (pending) records.push(...pending.finish());
  } catch (e) {
    pending?.abandon();
    throw e;
  }
  // the error the node-by-node loop would meet first: a chain's at its start, then the λ = 0 node's,
  // then the chains' by node and chain
  const startFailure = records.find((r) => r.failure?.node === AT_START);
  if (startFailure) throw startFailure.failure!.error;
  if (kernelError !== null) throw kernelError;
  const chainFailure = firstFailure(records);
  if (chainFailure !== null) throw chainFailure;

  let steps = p.chains + (p.integrate ? p.chains * p.S : 0);
  const nodes: NodeStat[] = kernel ? [kernel] : [];
  let nodeRhat = 1;
  lambdas.forEach((lambda, idx) => {
    const bm = records.map((r) => r.batches[idx]);
    let acc = 0;
    for (const r of records) acc += r.acceptance[idx];
    steps += p.chains * (p.burnIn + p.S);
    const pooled = pooledBatchMeans(bm);
    const rf = rHat(bm)[0];
    if (!Number.isNaN(rf)) nodeRhat = Math.max(nodeRhat, rf);
    nodes.push({
      lambda,
      chainMeans: bm.map((b) => b.moments().mean[0]),
      meanF: pooled.mean[0],
      se: pooled.se[0],
      acceptance: acc / p.chains,
      stepSize: records.reduce((a, r) => a + r.eta[idx], 0) / p.chains,
    });
  });
  const last = records.map((r) => r.batches[lambdas.length - 1]);
  const visits = records.map((r) => r.visits);

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
    // per-node batch means treat the nodes as independent, but each chain carries its state from
    // node to node; the chains' own TI estimates u_c are independent, so their spread (Student-t
    // scaled, C ≥ 4 chains) bounds the error from below too: the larger of the two is reported
    const seNodes = Math.sqrt(nodes.reduce((s, nd, k) => s + (w[k] * nd.se) ** 2, 0));
    let seChains = 0;
    if (p.chains >= 4) {
      const uc = Array.from({ length: p.chains }, (_, c) =>
        nodes.reduce((s, nd, k) => s + w[k] * (nd.chainMeans ? nd.chainMeans[c] : nd.meanF), 0),
      );
      const m = uc.reduce((a, b) => a + b, 0) / p.chains;
      const sd = Math.sqrt(uc.reduce((a, v) => a + (v - m) ** 2, 0) / (p.chains - 1));
      seChains = Math.hypot(
        Math.sqrt((p.chains - 1) / (p.chains - 3)) * (sd / Math.sqrt(p.chains)),
        w[0] * nodes[0].se,
      );
    }
    const seMC = Math.max(seNodes, seChains);
    const quadError = Math.abs(u - coarse) / 15;
    stderr = Math.hypot(seMC, quadError);
    tiDetails = {
      monteCarloStderr: seMC,
      nodeStderr: seNodes,
      chainStderr: seChains,
      lambdaQuadratureError: quadError,
    };
    if (quadError > seMC)
      warnings.push(
        `sgld: the λ-quadrature error ${quadError.toPrecision(3)} exceeds the Monte Carlo error ${seMC.toPrecision(3)}: use more lambdas`,
      );
  }
  const fin = nodes[nodes.length - 1];
  const failures: string[] = [];
  const minAcc = Math.min(...nodes.filter((nd) => nd.lambda > 0).map((nd) => nd.acceptance));
  const maxAcc = Math.max(...nodes.filter((nd) => nd.lambda > 0).map((nd) => nd.acceptance));
  if (p.adjust && (minAcc < 0.15 || maxAcc > 0.95))
    failures.push(
      `MALA acceptance ${(minAcc < 0.15 ? minAcc : maxAcc).toFixed(3)} is far from ${0.574}: the step size did not adapt (longer burnIn?)`,
    );
  if (!p.adjust) failures.push("unadjusted Langevin (ULA) has an O(η) bias that the standard errors do not include");
  const maxRhat = Math.max(...Array.from(rh).filter((v) => !Number.isNaN(v)), nodeRhat, 1);
  // several modes: the chains weigh them by how often they cross the barriers, which R̂ of chains
  // that never crossed cannot vouch for; every chain must have visited every mode
  const unvisited = p.modes.length > 1 ? visits.filter((vc) => vc.some((k) => k === 0)).length : 0;
  if (unvisited > 0)
    failures.push(
      `the Gibbs kernel has ${p.modes.length} modes (Laplace mass ≥ ${MODE_SHARE}) and ${unvisited} of ${p.chains} ` +
        "chains never visited all of them: the chains cannot weigh the modes (use method smc or auto)",
    );
  if (maxRhat > RHAT_MAX)
    failures.push(
      `chains disagree (R̂ = ${maxRhat.toFixed(3)} > ${RHAT_MAX}): the Gibbs measure may be multimodal or the chains too short`,
    );
  const result: Uncertified = {
    method: "sgld",
    estimator: `sgld (${p.adjust ? "MALA" : "ULA"}, ${p.chains} chains)`,
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
  return {
    result,
    failures,
    checks: { rHat: maxRhat, rHatMax: RHAT_MAX, acceptance: fin.acceptance, chains: p.chains },
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
