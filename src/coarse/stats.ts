/**
 * Small statistics used by the estimators: log-sum-exp, batch-means standard errors for Markov
 * chains, the Gelman–Rubin R̂ across chains, and the composite Simpson weights of the
 * thermodynamic integration.
 */
import { norm } from "../linalg/vector.ts";

/** log Σ eᵃⁱ without overflow: m + log Σ e^{aᵢ − m}, m = max aᵢ (−∞ for an empty or all −∞ input). */
export function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m);
  return m + Math.log(s);
}

/**
 * Batch means of a stream of d-vectors from one Markov chain: the stream is cut into consecutive
 * batches of `batchSize`; a batch mean is one (approximately independent) observation when the
 * batch is much longer than the autocorrelation time. A trailing partial batch is dropped.
 */
export class BatchMeans {
  readonly means: Float64Array[] = [];
  private readonly acc: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  private inBatch = 0;
  count = 0;

  constructor(
    readonly dim: number,
    readonly batchSize: number,
  ) {
    this.acc = new Float64Array(dim);
    this.sum = new Float64Array(dim);
    this.sumSq = new Float64Array(dim);
  }

  push(v: ArrayLike<number>): void {
    for (let j = 0; j < this.dim; j++) {
      this.acc[j] += v[j];
      this.sum[j] += v[j];
      this.sumSq[j] += v[j] * v[j];
    }
    this.count++;
    if (++this.inBatch === this.batchSize) {
      this.means.push(this.acc.map((s) => s / this.batchSize));
      this.acc.fill(0);
      this.inBatch = 0;
    }
  }

  /** Its whole state as plain arrays: what a worker thread sends back (structured clone). */
  snapshot(): BatchMeansSnapshot {
    const { dim, batchSize, means, acc, sum, sumSq, inBatch, count } = this;
    return { dim, batchSize, means, acc, sum, sumSq, inBatch, count };
  }

  /** The batch means whose state `snapshot` returned, exactly (further pushes continue it). */
  static restore(s: BatchMeansSnapshot): BatchMeans {
    const b = new BatchMeans(s.dim, s.batchSize);
    b.means.push(...s.means);
    b.acc.set(s.acc);
    b.sum.set(s.sum);
    b.sumSq.set(s.sumSq);
    b.inBatch = s.inBatch;
    b.count = s.count;
    return b;
  }

  /** Mean and (biased) variance of the raw stream, per coordinate. */
  moments(): { mean: Float64Array; variance: Float64Array } {
    const mean = this.sum.map((s) => s / this.count);
    const variance = this.sumSq.map((s, j) => Math.max(0, s / this.count - mean[j] * mean[j]));
    return { mean, variance };
  }
}

export interface BatchMeansSnapshot {
  dim: number;
  batchSize: number;
  means: Float64Array[];
  acc: Float64Array;
  sum: Float64Array;
  sumSq: Float64Array;
  inBatch: number;
  count: number;
}

export interface PooledEstimate {
  /** Mean of all batch means (= the chain average over complete batches). */
  mean: Float64Array;
  /** se = sd(batch means)/√B over the B pooled batches. */
  se: Float64Array;
  /** Variance of single draws (pooled over chains, about the pooled mean). */
  variance: Float64Array;
  batches: number;
}

/** Pools the batch means of several chains of equal batch size into one estimate with its standard error. */
export function pooledBatchMeans(chains: readonly BatchMeans[]): PooledEstimate {
  const dim = chains[0].dim;
  const all = chains.flatMap((c) => c.means);
  const B = all.length;
  if (B < 2) throw new Error(`batch means: need at least 2 complete batches, got ${B}`);
  const mean = new Float64Array(dim);
  for (const m of all) for (let j = 0; j < dim; j++) mean[j] += m[j] / B;
  const se = new Float64Array(dim);
  for (const m of all) for (let j = 0; j < dim; j++) se[j] += (m[j] - mean[j]) ** 2;
  for (let j = 0; j < dim; j++) se[j] = Math.sqrt(se[j] / (B - 1) / B);
  // pooled single-draw variance: E[v²] over chains minus the pooled mean²
  const variance = new Float64Array(dim);
  let n = 0;
  for (const c of chains) {
    const { mean: cm, variance: cv } = c.moments();
    for (let j = 0; j < dim; j++) variance[j] += c.count * (cv[j] + (cm[j] - mean[j]) ** 2);
    n += c.count;
  }
  for (let j = 0; j < dim; j++) variance[j] /= n;
  return { mean, se, variance, batches: B };
}

/**
 * Gelman–Rubin potential scale reduction per coordinate, R̂ = √(((n−1)/n·W + B/n)/W), with W the
 * mean within-chain variance and B/n the variance of the chain means; R̂ ≫ 1 means the chains
 * have not mixed (e.g. a multimodal Gibbs measure). NaN for a single chain.
 */
export function rHat(chains: readonly BatchMeans[]): Float64Array {
  const m = chains.length;
  const dim = chains[0].dim;
  const out = new Float64Array(dim).fill(NaN);
  if (m < 2) return out;
  const mom = chains.map((c) => ({ n: c.count, ...c.moments() }));
  const n = Math.min(...mom.map((c) => c.n));
  for (let j = 0; j < dim; j++) {
    const grand = mom.reduce((s, c) => s + c.mean[j], 0) / m;
    const bOverN = mom.reduce((s, c) => s + (c.mean[j] - grand) ** 2, 0) / (m - 1);
    const W = mom.reduce((s, c) => s + (c.variance[j] * c.n) / (c.n - 1), 0) / m;
    out[j] = W > 0 ? Math.sqrt((((n - 1) / n) * W + bOverN) / W) : bOverN > 0 ? Infinity : 1;
  }
  return out;
}

/** Composite Simpson weights on K (even) equal intervals of width h: h/3·[1, 4, 2, 4, …, 4, 1]. */
export function simpsonWeights(K: number, h: number): Float64Array {
  if (!Number.isInteger(K) || K < 2 || K % 2 !== 0) throw new Error(`simpsonWeights: K must be even, got ${K}`);
  const w = new Float64Array(K + 1);
  for (let k = 0; k <= K; k++) w[k] = (h / 3) * (k === 0 || k === K ? 1 : k % 2 === 1 ? 4 : 2);
  return w;
}

/** Delta-method standard error of |p| from per-coordinate errors: √Σ (pᵢ/|p|)² seᵢ² (0 when p = 0: then max seᵢ). */
export function normStderr(p: ArrayLike<number>, se: ArrayLike<number>): number {
  const n = norm(p);
  if (n === 0) return Math.max(0, ...Array.from(se));
  let s = 0;
  for (let i = 0; i < p.length; i++) s += ((p[i] / n) * se[i]) ** 2;
  return Math.sqrt(s);
}

/** The gradient fields every estimator reports: ∇u, |∇u| and their standard errors. */
export function gradientSummary(
  grad: Float64Array,
  gradStderr: Float64Array,
): { grad: Float64Array; gradNorm: number; gradStderr: Float64Array; gradNormStderr: number } {
  return { grad, gradNorm: norm(grad), gradStderr, gradNormStderr: normStderr(grad, gradStderr) };
}

/**
 * P(|T| ≤ τ) for Student's t with ν (integer ≥ 1) degrees of freedom, by the finite series of
 * Abramowitz & Stegun 26.7.3–4 in θ = atan(τ/√ν):
 *   ν odd:  (2/π)[θ + sinθ cosθ (1 + (2/3)cos²θ + … + (2·4⋯(ν−3))/(3·5⋯(ν−2)) cos^{ν−3}θ)]  (ν = 1: 2θ/π),
 *   ν even: sinθ [1 + (1/2)cos²θ + … + (1·3⋯(ν−3))/(2·4⋯(ν−2)) cos^{ν−2}θ].
 */
export function studentTCentral(tau: number, nu: number): number {
  const th = Math.atan(Math.abs(tau) / Math.sqrt(nu));
  const c2 = Math.cos(th) ** 2;
  const sn = Math.sin(th);
  if (nu % 2 === 1) {
    if (nu === 1) return (2 * th) / Math.PI;
    let term = 1;
    let sum = 1;
    for (let k = 2; k <= nu - 3; k += 2) {
      term *= (k / (k + 1)) * c2;
      sum += term;
    }
    return (2 / Math.PI) * (th + sn * Math.cos(th) * sum);
  }
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= nu - 3; k += 2) {
    term *= (k / (k + 1)) * c2;
    sum += term;
  }
  return sn * sum;
}

/** τ with P(|T_ν| > τ) = p (two-sided), by bisection on studentTCentral. */
export function studentTQuantile(p: number, nu: number): number {
  let lo = 0;
  let hi = 1;
  while (1 - studentTCentral(hi, nu) > p && hi < 1e12) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (1 - studentTCentral(mid, nu) > p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}
