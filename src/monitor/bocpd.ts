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
import { logGamma } from "../pde/special.ts";
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

function logSumExp(a: readonly number[]): number {
  let m = -Infinity;
  for (const v of a) if (v > m) m = v;
  if (m === -Infinity) return m;
  let s = 0;
  for (const v of a) s += Math.exp(v - m);
  return m + Math.log(s);
}

export class Bocpd implements ChangeDetector {
  readonly name = "bocpd";
  readonly hazard: number;
  readonly minRun: number;
  readonly threshold: number;
  readonly prior: NormalGammaPrior;
  private readonly maxRuns: number;
  /** Parallel arrays over the kept run lengths: log posterior and segment statistics. */
  private runs: number[] = [];
  private logp: number[] = [];
  private mu: number[] = [];
  private kappa: number[] = [];
  private alpha: number[] = [];
  private beta: number[] = [];
  private n = 0;
  private sum = 0;
  private recent: number[] = [];
  /** studentTConstant(α₀ + r/2) by run length r (α depends on r alone). */
  private readonly constants: number[] = [];

  constructor(o: BocpdOptions = {}) {
    this.hazard = o.hazard ?? 1 / 100;
    this.minRun = o.minRun ?? 5;
    this.threshold = o.threshold ?? 1;
    this.prior = o.prior ?? DEFAULT_PRIOR;
    this.maxRuns = o.maxRunLengths ?? 400;
    if (!(this.hazard > 0 && this.hazard < 1)) throw new Error(`bocpd: hazard must be in (0, 1), got ${this.hazard}`);
    if (!(this.minRun >= 1) || !Number.isInteger(this.minRun))
      throw new Error(`bocpd: minRun must be a positive integer, got ${this.minRun}`);
    if (!(this.threshold > 0)) throw new Error(`bocpd: threshold must be > 0, got ${this.threshold}`);
    this.reset();
  }

  reset(): void {
    const p = this.prior;
    this.runs = [0];
    this.logp = [0];
    this.mu = [p.mu0];
    this.kappa = [p.kappa0];
    this.alpha = [p.alpha0];
    this.beta = [p.beta0];
    this.n = 0;
    this.sum = 0;
    this.recent = [];
  }

  /** The posterior P(r_t = r | x_{1:t}) over the kept run lengths (for tests and plots). */
  posterior(): { runLength: number[]; probability: number[] } {
    return { runLength: [...this.runs], probability: this.logp.map(Math.exp) };
  }

  push(x: number): DetectorStep {
    const H = this.hazard;
    const logH = Math.log(H);
    const log1mH = Math.log1p(-H);
    const m = this.runs.length;
    const grown: number[] = new Array(m);
    const joint: number[] = new Array(m);
    for (let i = 0; i < m; i++) {
      const r = this.runs[i];
      while (this.constants.length <= r)
        this.constants.push(studentTConstant(this.prior.alpha0 + this.constants.length / 2));
      joint[i] =
        this.logp[i] + logPredictive(x, this.mu[i], this.kappa[i], this.alpha[i], this.beta[i], this.constants[r]);
      grown[i] = joint[i] + log1mH;
    }
    const cp = logSumExp(joint) + logH;
    const p = this.prior;
    const next = {
      runs: [0],
      logp: [cp],
      mu: [p.mu0],
      kappa: [p.kappa0],
      alpha: [p.alpha0],
      beta: [p.beta0],
    };
    for (let i = 0; i < m; i++) {
      const k = this.kappa[i];
      const d = x - this.mu[i];
      next.runs.push(this.runs[i] + 1);
      next.logp.push(grown[i]);
      next.mu.push((k * this.mu[i] + x) / (k + 1));
      next.kappa.push(k + 1);
      next.alpha.push(this.alpha[i] + 0.5);
      next.beta.push(this.beta[i] + (k * d * d) / (2 * (k + 1)));
    }
    const z = logSumExp(next.logp);
    const keep: number[] = [];
    for (let i = 0; i < next.logp.length; i++) {
      next.logp[i] -= z;
      if (i === 0 || next.logp[i] > Math.log(1e-12)) keep.push(i);
    }
    if (keep.length > this.maxRuns) {
      keep.sort((a, b) => next.logp[b] - next.logp[a]);
      keep.length = this.maxRuns;
      keep.sort((a, b) => a - b);
    }
    const kept = keep.map((i) => next.logp[i]);
    const renorm = logSumExp(kept);
    this.runs = keep.map((i) => next.runs[i]);
    this.logp = kept.map((v) => v - renorm);
    this.mu = keep.map((i) => next.mu[i]);
    this.kappa = keep.map((i) => next.kappa[i]);
    this.alpha = keep.map((i) => next.alpha[i]);
    this.beta = keep.map((i) => next.beta[i]);

    this.n++;
    this.sum += x;
    this.recent.push(x);
    // The no-change hypothesis is the longest kept run; a change hypothesis is a run that began at
    // least `minRun` observations after the (re)start.
    const minRun = this.minRun;
    let longest = 0;
    let best = -1;
    let bestP = 0;
    for (let i = 0; i < this.runs.length; i++) {
      const r = this.runs[i];
      if (this.runs[i] > this.runs[longest]) longest = i;
      if (r < 1 || r > this.n - minRun) continue;
      if (this.logp[i] > bestP || best < 0) {
        bestP = this.logp[i];
        best = r;
      }
    }
    if (best < 0) return { statistic: 0 };
    const statistic = Math.exp(bestP - this.logp[longest]) / this.threshold;
    if (this.n >= 2 * minRun && statistic > 1) {
      const last = this.recent.slice(-best);
      const newMean = last.reduce((a, b) => a + b, 0) / best;
      const oldMean = (this.sum - newMean * best) / (this.n - best);
      this.reset();
      return { statistic, alarm: { direction: newMean >= oldMean ? "up" : "down", lag: best - 1 } };
    }
    return { statistic };
  }
}
