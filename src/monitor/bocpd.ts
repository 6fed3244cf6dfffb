/**
 * Bayesian online change-point detection (Adams & MacKay 2007, arXiv:0710.3742) for a series whose
 * segments are i.i.d. Gaussian with unknown mean and variance (docs/monitor.md §bocpd).
 *
 * Run length r_t = number of observations in the current segment after x_t (r_t = 0: a new segment
 * starts with x_{t+1}). With a constant hazard H and the Normal–Gamma prior (μ₀, κ₀, α₀, β₀), the
 * joint P(r_t, x_{1:t}) follows from P(r_{t−1}, x_{1:t−1}) by
 *   growth       P(r_t = r + 1) ∝ P(r_{t−1} = r) π_r (1 − H),
 *   change point P(r_t = 0)     ∝ Σ_r P(r_{t−1} = r) π_r H,
 * where π_r = p(x_t | the last r observations) is the Student-t predictive with ν = 2α degrees of
 * freedom, location μ and scale² β(κ + 1)/(ακ), and a segment's statistics update as
 *   μ' = (κμ + x)/(κ + 1),  κ' = κ + 1,  α' = α + ½,  β' = β + κ(x − μ)²/(2(κ + 1)).
 * P(r_t = 0 | x_{1:t}) is always H (x_t says nothing about whether the next point starts anew). The
 * evidence for a change since the detector (re)started n observations ago is the posterior odds of
 * the most probable run that began after the first m = `minRun` of them against the longest kept
 * run (no change):
 *   s_t = max_{1 ≤ r ≤ n − m} P(r_t = r | x_{1:t}) / P(r_t = r_longest | x_{1:t}),
 * and the detector alarms when s_t > threshold (after at least 2m observations), places the change
 * at that run's start, and restarts. Run lengths whose posterior falls below 1e-12 are dropped, and
 * at most `maxRunLengths` are kept.
 */
import { logGamma } from "../core/special.ts";
import type { ChangeDetector, DetectorStep } from "./detector.ts";

export interface NormalGammaPrior {
  mu0: number;
  kappa0: number;
  alpha0: number;
  beta0: number;
}

export interface BocpdOptions {
  /** Constant hazard H = 1/(expected segment length) (default 1/100). */
  hazard?: number;
  /** Fewest observations of the old regime before a change may be placed (default 5). */
  minRun?: number;
  /** Alarm when the best change hypothesis is this many times as probable as no change (default 1). */
  threshold?: number;
  /** Prior of a segment's mean and precision (default μ₀ 0, κ₀ 1, α₀ 1, β₀ 1: for standardised data). */
  prior?: NormalGammaPrior;
  maxRunLengths?: number;
}

export const DEFAULT_PRIOR: NormalGammaPrior = { mu0: 0, kappa0: 1, alpha0: 1, beta0: 1 };

/** log Γ((ν+1)/2) − log Γ(ν/2) of the Student-t density with ν = 2α. */
export function studentTConstant(alpha: number): number {
  return logGamma(alpha + 0.5) - logGamma(alpha);
}

/** log of the Student-t predictive density of x under Normal–Gamma statistics (`c` = studentTConstant(α)). */
export function logPredictive(
  x: number,
  mu: number,
  kappa: number,
  alpha: number,
  beta: number,
  c = studentTConstant(alpha),
): number {
  const nu = 2 * alpha;
  const s2 = (beta * (kappa + 1)) / (alpha * kappa);
  return c - 0.5 * Math.log(nu * Math.PI * s2) - ((nu + 1) / 2) * Math.log1p(((x - mu) * (x - mu)) / (nu * s2));
}

export class Bocpd implements ChangeDetector {
  readonly name = "bocpd";
  readonly hazard: number;
  readonly minRun: number;
  readonly threshold: number;
  readonly prior: NormalGammaPrior;
  private readonly maxRuns: number;
  /** Kept run lengths and, in parallel, their log posterior and segment statistics (two buffers, swapped each step). */
  private m = 0;
  private cur: RunTable;
  private nxt: RunTable;
  private readonly joint: Float64Array;
  /** studentTConstant(α₀ + r/2) by run length r (α depends on r alone). */
  private readonly constants: number[] = [];
  /** Observations since the (re)start. */
  private recent: number[] = [];

  constructor(o: BocpdOptions = {}) {
    this.hazard = o.hazard ?? 1 / 100;
    this.minRun = o.minRun ?? 5;
    this.threshold = o.threshold ?? 1;
    this.prior = o.prior ?? DEFAULT_PRIOR;
    this.maxRuns = o.maxRunLengths ?? 200;
    if (!(this.hazard > 0 && this.hazard < 1)) throw new Error(`bocpd: hazard must be in (0, 1), got ${this.hazard}`);
    if (!(this.minRun >= 1) || !Number.isInteger(this.minRun))
      throw new Error(`bocpd: minRun must be a positive integer, got ${this.minRun}`);
    if (!(this.threshold > 0)) throw new Error(`bocpd: threshold must be > 0, got ${this.threshold}`);
    if (!(this.maxRuns >= 2)) throw new Error(`bocpd: maxRunLengths must be ≥ 2, got ${this.maxRuns}`);
    this.cur = runTable(this.maxRuns + 1);
    this.nxt = runTable(this.maxRuns + 1);
    this.joint = new Float64Array(this.maxRuns + 1);
    this.reset();
  }

  reset(): void {
    setPrior(this.cur, 0, this.prior);
    this.cur.logp[0] = 0;
    this.m = 1;
    this.recent = [];
  }

  /** The posterior P(r_t = r | x_{1:t}) over the kept run lengths (for tests and plots). */
  posterior(): { runLength: number[]; probability: number[] } {
    const c = this.cur;
    return {
      runLength: Array.from(c.runs.subarray(0, this.m)),
      probability: Array.from(c.logp.subarray(0, this.m), Math.exp),
    };
  }

  push(x: number): DetectorStep {
    const logH = Math.log(this.hazard);
    const log1mH = Math.log1p(-this.hazard);
    const c = this.cur;
    const nx = this.nxt;
    const m = this.m;
    const joint = this.joint;
    let jmax = -Infinity;
    for (let i = 0; i < m; i++) {
      const r = c.runs[i];
      while (this.constants.length <= r)
        this.constants.push(studentTConstant(this.prior.alpha0 + this.constants.length / 2));
      joint[i] = c.logp[i] + logPredictive(x, c.mu[i], c.kappa[i], c.alpha[i], c.beta[i], this.constants[r]);
      if (joint[i] > jmax) jmax = joint[i];
    }
    let sj = 0;
    for (let i = 0; i < m; i++) sj += Math.exp(joint[i] - jmax);
    // Row 0: a change point after x (prior statistics); row i + 1: run i grown by x.
    setPrior(nx, 0, this.prior);
    nx.logp[0] = jmax + Math.log(sj) + logH;
    for (let i = 0; i < m; i++) {
      const k = c.kappa[i];
      const d = x - c.mu[i];
      nx.runs[i + 1] = c.runs[i] + 1;
      nx.logp[i + 1] = joint[i] + log1mH;
      nx.mu[i + 1] = (k * c.mu[i] + x) / (k + 1);
      nx.kappa[i + 1] = k + 1;
      nx.alpha[i + 1] = c.alpha[i] + 0.5;
      nx.beta[i + 1] = c.beta[i] + (k * d * d) / (2 * (k + 1));
    }
    let total = m + 1;
    normalise(nx.logp, total);
    // Drop negligible run lengths (row 0 always stays), then the least probable beyond the cap.
    const floor = Math.log(1e-12);
    let cut = floor;
    if (total > this.maxRuns) {
      const sorted = Float64Array.from(nx.logp.subarray(1, total)).sort();
      cut = Math.max(floor, sorted[total - this.maxRuns]);
    }
    let w = 1;
    for (let i = 1; i < total; i++) {
      if (!(nx.logp[i] >= cut) || w >= this.maxRuns) continue;
      copyRow(nx, i, w++);
    }
    total = w;
    normalise(nx.logp, total);
    this.cur = nx;
    this.nxt = c;
    this.m = total;
    this.recent.push(x);
    return this.decide();
  }

  /** The odds of the best change hypothesis against no change, and the alarm. */
  private decide(): DetectorStep {
    const c = this.cur;
    const n = this.recent.length;
    const minRun = this.minRun;
    let longest = 0;
    let best = -1;
    let bestP = -Infinity;
    for (let i = 0; i < this.m; i++) {
      const r = c.runs[i];
      if (r > c.runs[longest]) longest = i;
      if (r < 1 || r > n - minRun) continue;
      if (c.logp[i] > bestP) {
        bestP = c.logp[i];
        best = r;
      }
    }
    if (best < 0) return { statistic: 0 };
    const statistic = Math.exp(bestP - c.logp[longest]) / this.threshold;
    if (n >= 2 * minRun && statistic > 1) {
      const newMean = this.recent.slice(n - best).reduce((a, b) => a + b, 0) / best;
      const oldMean = this.recent.slice(0, n - best).reduce((a, b) => a + b, 0) / (n - best);
      this.reset();
      return { statistic, alarm: { direction: newMean >= oldMean ? "up" : "down", lag: best - 1 } };
    }
    return { statistic };
  }
}

interface RunTable {
  runs: Int32Array;
  logp: Float64Array;
  mu: Float64Array;
  kappa: Float64Array;
  alpha: Float64Array;
  beta: Float64Array;
}

function runTable(n: number): RunTable {
  return {
    runs: new Int32Array(n),
    logp: new Float64Array(n),
    mu: new Float64Array(n),
    kappa: new Float64Array(n),
    alpha: new Float64Array(n),
    beta: new Float64Array(n),
  };
}

function setPrior(t: RunTable, i: number, p: NormalGammaPrior): void {
  t.runs[i] = 0;
  t.mu[i] = p.mu0;
  t.kappa[i] = p.kappa0;
  t.alpha[i] = p.alpha0;
  t.beta[i] = p.beta0;
}

function copyRow(t: RunTable, from: number, to: number): void {
  t.runs[to] = t.runs[from];
  t.logp[to] = t.logp[from];
  t.mu[to] = t.mu[from];
  t.kappa[to] = t.kappa[from];
  t.alpha[to] = t.alpha[from];
  t.beta[to] = t.beta[from];
}

/** logp[0..n) ← logp − logΣexp(logp). */
function normalise(logp: Float64Array, n: number): void {
  let mx = -Infinity;
  for (let i = 0; i < n; i++) if (logp[i] > mx) mx = logp[i];
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(logp[i] - mx);
  const z = mx + Math.log(s);
  for (let i = 0; i < n; i++) logp[i] -= z;
}
