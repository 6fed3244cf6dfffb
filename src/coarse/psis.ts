/**
 * Weight diagnostics of importance sampling (docs/local-entropy.md §diagnostics):
 *
 *   ESS = (Σwᵢ)²/Σwᵢ²  (Kish),
 *   k̂ = the shape of a generalized Pareto distribution fitted to the largest weights (PSIS,
 *        Vehtari, Simpson, Gelman, Yao & Gabry 2024).
 *
 * The GPD F(z) = 1 − (1 + kz/σ)^(−1/k) has finite moments of order < 1/k, so k̂ > 0.5 means the
 * weights' variance is (effectively) infinite and a CLT standard error understates the error;
 * k̂ > 0.7 means even the estimate itself is unreliable at any practical sample size. The fit is
 * the profile-likelihood posterior mean of Zhang & Stephens (2009) on the M = min(N/5, 3√N)
 * largest weights (exceedances over the next one), with the weakly informative prior that pulls
 * k̂ towards 0.5 by 10 pseudo-observations (as in the loo package), so small tails read as doubtful.
 */

/** Kish's effective sample size of log-weights (shift-invariant). */
export function essOfLogWeights(lw: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < lw.length; i++) if (lw[i] > m) m = lw[i];
  if (m === -Infinity) return 0;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < lw.length; i++) {
    const w = Math.exp(lw[i] - m);
    s1 += w;
    s2 += w * w;
  }
  return (s1 * s1) / s2;
}

/**
 * Zhang–Stephens estimate of the GPD shape k from exceedances z > 0 (any order). With θ = −k/σ
 * (admissible for θ < 1/z_max) the profile log-likelihood is ℓ(θ) = N[log(−θ/k(θ)) − k(θ) − 1],
 * k(θ) = mean log(1 − θzᵢ); θ̂ is the ℓ-weighted mean over the grid
 * θ_j = 1/z_max + (1 − √(m/(j − ½)))/(3 z_q), j = 1…m, m = 30 + ⌊√N⌋, z_q the first quartile, and
 * k̂ = k(θ̂) (> 0 for heavy tails), shrunk as (N k̂ + 10·½)/(N + 10).
 */
export function gpdShape(exceedances: ArrayLike<number>): number {
  const z = Float64Array.from(exceedances).sort();
  const N = z.length;
  if (N < 5) return Infinity;
  const zMax = z[N - 1];
  if (!(zMax > 0)) return -Infinity; // all equal: no tail at all
  const quart = z[Math.max(0, Math.floor(N / 4 + 0.5) - 1)];
  const m = 30 + Math.floor(Math.sqrt(N));
  const theta = new Float64Array(m);
  const logLik = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    // θ_j = 1/z_max + (1 − √(m/(j + ½)))/(3 z_q): candidate values of θ = −k/σ (loo's b)
    theta[j] = 1 / zMax + (1 - Math.sqrt(m / (j + 0.5))) / (3 * (quart > 0 ? quart : zMax));
    const kj = meanLog1p(-theta[j], z); // k(θ) = mean log(1 − θz)
    // profile log-likelihood N[log(−θ/k) − k − 1] (−θ/k > 0 on the admissible grid)
    logLik[j] = N * (Math.log(-theta[j] / kj) - kj - 1);
    if (!Number.isFinite(logLik[j])) logLik[j] = -Infinity;
  }
  let lMax = -Infinity;
  for (const v of logLik) if (v > lMax) lMax = v;
  let wSum = 0;
  let thetaHat = 0;
  for (let j = 0; j < m; j++) {
    const w = Math.exp(logLik[j] - lMax);
    wSum += w;
    thetaHat += w * theta[j];
  }
  thetaHat /= wSum;
  const k = meanLog1p(-thetaHat, z);
  // weakly informative prior: (N k + 10·½)/(N + 10)
  return (N * k + 5) / (N + 10);
}

/** mean log(1 + a zᵢ). */
function meanLog1p(a: number, z: Float64Array): number {
  let s = 0;
  for (let i = 0; i < z.length; i++) s += Math.log1p(a * z[i]);
  return s / z.length;
}

/**
 * Pareto k̂ of importance log-weights: the GPD shape of the M = ⌈min(N/5, 3√N)⌉ largest weights
 * above the (M+1)-th largest. −∞ when the weights are (numerically) constant, +∞ when there are
 * too few samples to judge (N < 25).
 */
export function paretoKHat(lw: ArrayLike<number>): number {
  const N = lw.length;
  if (N < 25) return Infinity;
  const M = Math.ceil(Math.min(N / 5, 3 * Math.sqrt(N)));
  const sorted = Float64Array.from(lw).sort();
  const top = sorted[N - 1];
  if (top === -Infinity) return Infinity;
  const cut = Math.exp(sorted[N - M - 1] - top);
  const z = new Float64Array(M);
  for (let i = 0; i < M; i++) z[i] = Math.exp(sorted[N - M + i] - top) - cut;
  if (!(z[M - 1] > 1e-12)) return -Infinity; // flat tail: bounded, constant weights
  return gpdShape(z);
}

/** k̂ above which an importance-sampling estimate is withdrawn (PSIS's practical reliability limit). */
export const KHAT_MAX = 0.7;

/**
 * Kish ESS below which importance-sampling errors are withdrawn: the error bar rests on the weights'
 * second moment, whose own relative error is ≈ √(2/ESS) (45% at ESS 10, 14% at 100); at ESS 30–100
 * kernel importance sampling's ∇u errors were understated (mean z² 3.2 on a 4-D quadratic).
 */
export const MIN_ESS = 100;

/**
 * Coefficient of variation of weights below which k̂ is not consulted. k̂ is scale-free: weights
 * that vary by 0.1% still have a tail shape, and fitting it to exceedances of that size gives any
 * k̂ (0.83 was seen at ESS 2047.9 of 2048). With a spread that small the estimate is plain Monte
 * Carlo to within a percent of its own error, whatever the shape.
 */
export const NEGLIGIBLE_SPREAD = 0.1;

/** Whether k̂ > KHAT_MAX should withdraw an error bar, given the weights' coefficient of variation. */
export function heavyTail(kHat: number, coefficientOfVariation: number): boolean {
  return !(kHat <= KHAT_MAX) && !(coefficientOfVariation < NEGLIGIBLE_SPREAD);
}
