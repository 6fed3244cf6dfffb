/**
 * The statistics of the gradient-field tests (docs/gradient-field.md §tests): Student's t
 * distribution, the one-sample t-test with its confidence interval, Holm and Benjamini–Hochberg
 * adjustments over many tests, a sign-flip randomisation test, and a least-squares slope with its
 * standard error (the η-scaling exponent).
 *
 * P(|T_ν| > t) = I_{ν/(ν+t²)}(ν/2, ½), with I_x(a, b) the regularised incomplete beta function,
 * evaluated by its continued fraction (modified Lentz), and log Γ by Lanczos (g = 7, 9 terms).
 */
import { type Key, uniformArray } from "../core/random.ts";
import { ndtr } from "../core/special.ts";

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, ~1e-15 relative). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < 9; i++) s += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

/** Continued fraction of I_x(a, b) (Numerical Recipes betacf), modified Lentz. */
function betaFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const qab = a + b,
    qap = a + 1,
    qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), x ∈ [0, 1], a, b > 0. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) return NaN;
  if (x === 0 || x === 1) return x;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The fraction converges fast for x < (a + 1)/(a + b + 2); otherwise use I_x(a,b) = 1 − I_{1−x}(b,a).
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaFraction(1 - x, b, a)) / b;
}

/** Two-sided tail P(|T_ν| ≥ |t|) of Student's t with ν degrees of freedom (ν = ∞: the normal). */
export function studentTwoSided(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  if (!Number.isFinite(df)) return 2 * ndtr(-Math.abs(t));
  return regularizedBeta(df / (df + t * t), df / 2, 0.5);
}

/** CDF P(T_ν ≤ t). */
export function studentCdf(t: number, df: number): number {
  const tail = studentTwoSided(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

/** The quantile t with P(T_ν ≤ t) = p (bisection on the CDF to ~1e-13). */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  if (p === 0.5) return 0;
  let lo = -1,
    hi = 1;
  while (studentCdf(lo, df) > p) lo *= 2;
  while (studentCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo)); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

export interface TTest {
  n: number;
  mean: number;
  /** Standard error s/√n (sample standard deviation s with n − 1). */
  stderr: number;
  t: number;
  df: number;
  /** Two-sided p-value of H₀: mean = mu0. */
  p: number;
  /** The (1 − α) confidence interval of the mean. */
  ci: [number, number];
  alpha: number;
}

/**
 * One-sample t-test of H₀: E[x] = mu0. With zero spread the p-value is 1 when the mean equals mu0
 * exactly and 0 otherwise (a deterministic sample). `floor` is the rounding level of the
 * observations: when |mean − mu0| and the standard error are both below it, the sample carries no
 * evidence beyond rounding and p = 1 (a gradient field evaluated with common random numbers can
 * cancel its noise exactly, leaving only rounding errors to test).
 */
export function tTest(xs: ArrayLike<number>, { mu0 = 0, alpha = 0.05, floor = 0 } = {}): TTest {
  const n = xs.length;
  if (n < 2) throw new Error(`tTest: need at least 2 observations, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) ** 2;
  const stderr = Math.sqrt(ss / (n - 1) / n);
  const df = n - 1;
  const q = studentQuantile(1 - alpha / 2, df);
  if (Math.abs(mean - mu0) <= floor && stderr <= floor)
    return { n, mean, stderr, t: 0, df, p: 1, ci: [mean - q * stderr, mean + q * stderr], alpha };
  const t = stderr > 0 ? (mean - mu0) / stderr : mean === mu0 ? 0 : Math.sign(mean - mu0) * Infinity;
  const p = studentTwoSided(t, df);
  return { n, mean, stderr, t, df, p, ci: [mean - q * stderr, mean + q * stderr], alpha };
}

/** Holm's step-down adjusted p-values (controls the family-wise error rate). */
export function holm(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  const adj = new Array<number>(m);
  let run = 0;
  order.forEach((i, k) => {
    run = Math.max(run, Math.min(1, (m - k) * p[i]));
    adj[i] = run;
  });
  return adj;
}

/** Benjamini–Hochberg step-up adjusted p-values (controls the false discovery rate). */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b]);
  const adj = new Array<number>(m);
  let run = 1;
  for (let k = m - 1; k >= 0; k--) {
    const i = order[k];
    run = Math.min(run, (m * p[i]) / (k + 1));
    adj[i] = Math.min(1, run);
  }
  return adj;
}

export type Correction = "holm" | "bh";

export function adjust(p: readonly number[], method: Correction): number[] {
  return method === "holm" ? holm(p) : benjaminiHochberg(p);
}

/**
 * Sign-flip randomisation test of H₀: the xᵢ are symmetric about 0 (for stochastic areas: each
 * block run backwards in time is as likely as forwards). p = (1 + #{|mean(±x)| ≥ |mean(x)|})/(1 + M)
 * over M random sign patterns drawn from `key`.
 */
export function signFlipTest(xs: ArrayLike<number>, key: Key, flips = 2000): { mean: number; p: number } {
  const n = xs.length;
  let obs = 0;
  for (let i = 0; i < n; i++) obs += xs[i];
  obs = Math.abs(obs / n);
  const u = uniformArray(key, flips * n);
  let hits = 0;
  for (let f = 0; f < flips; f++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[f * n + i] < 0.5 ? -xs[i] : xs[i];
    if (Math.abs(s / n) >= obs * (1 - 1e-12)) hits++;
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += xs[i];
  return { mean: mean / n, p: (1 + hits) / (1 + flips) };
}

export interface Slope {
  slope: number;
  intercept: number;
  stderr: number;
  ci: [number, number];
  n: number;
}

/**
 * Least-squares line y = a + b·x: slope b = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)², its standard error
 * √(Σr²/(n − 2)/Σ(x − x̄)²) and the (1 − α) t interval (with n = 2 points the line is exact and the
 * interval degenerate).
 */
export function fitSlope(x: readonly number[], y: readonly number[], alpha = 0.05): Slope {
  const n = x.length;
  if (n !== y.length || n < 2) throw new Error("fitSlope: need at least 2 (x, y) pairs of equal length");
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0,
    sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  if (n === 2) return { slope, intercept, stderr: 0, ci: [slope, slope], n };
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  const stderr = Math.sqrt(rss / (n - 2) / sxx);
  const q = studentQuantile(1 - alpha / 2, n - 2);
  return { slope, intercept, stderr, ci: [slope - q * stderr, slope + q * stderr], n };
}
