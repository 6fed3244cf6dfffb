/**
 * Streaming sums of the regression (control-variate) estimator of importance sampling with a
 * Laplace proposal (docs/local-entropy.md §laplace). Per sample y ∼ q (the proposal mixture):
 *
 *   a = p̃(y)/(Z_L q(y))   (importance weight against the Laplace evidence Z_L; E_q[a] = R = Z/Z_L),
 *   b = q_L(y)/q(y)        (the normalised Laplace mixture's weight; E_q[b] = 1 exactly),
 *   d = y − c̄              (c̄ = mean of q_L, so E_q[b d] = 0 exactly).
 *
 * Regression estimator (Owen, Monte Carlo theory, §8.9) with one coefficient ĉ = Cov(a,b)/Var(b)
 * for everything: with residual weights e = a − ĉb (mean R̂ − ĉ),
 *   R̂ = ā − ĉ(b̄ − 1),   N̂ⱼ = mean(e dⱼ) (E[b dⱼ] = 0),   E_ρ[yⱼ] = c̄ⱼ + mⱼ,  mⱼ = N̂ⱼ/R̂.
 * When the loss is quadratic the target is the Laplace Gaussian, a ≡ b, ĉ = 1, e ≡ 0 and both are
 * exact. Without the control variate ĉ = 0: plain self-normalised importance sampling. (Whether
 * to use it is decided by the caller on an independent pilot: `cvGain`.)
 * Standard errors (delta method): se(R̂)² = Var(e)/(N − 2),
 * se(mⱼ)² = Var(a dⱼ − ĉ b dⱼ − mⱼ(a − ĉb))/((N − 2)R̂²).
 * The a-terms are kept relative to a running maximum e^{M} of the log-weights, so nothing overflows.
 */
/**
 * Smallest variance reduction Var(a)/Var(a − ĉb) (measured on a pilot) for which the control
 * variate is used: only when the target is Gaussian to within 1% in the weights, where the
 * residuals are small and light-tailed.
 */
export const CV_GAIN = 1e4;

export class CvSums {
  n = 0;
  M = -Infinity;
  private A = 0;
  private AA = 0;
  private B = 0;
  private BB = 0;
  private AB = 0;
  private readonly X: Float64Array; // Σ a d
  private readonly Y: Float64Array; // Σ b d
  private readonly XX: Float64Array;
  private readonly YY: Float64Array;
  private readonly XY: Float64Array;
  private readonly XA: Float64Array;
  private readonly XB: Float64Array;
  private readonly YA: Float64Array;
  private readonly YB: Float64Array;

  constructor(readonly dim: number) {
    const z = () => new Float64Array(dim);
    this.X = z();
    this.Y = z();
    this.XX = z();
    this.YY = z();
    this.XY = z();
    this.XA = z();
    this.XB = z();
    this.YA = z();
    this.YB = z();
  }

  /** Adds a sample with log a = la, log b = lb and offset d = y − c̄. */
  add(la: number, lb: number, d: Float64Array): void {
    this.n++;
    if (la > this.M) {
      const r = this.M === -Infinity ? 0 : Math.exp(this.M - la);
      const r2 = r * r;
      this.A *= r;
      this.AB *= r;
      this.AA *= r2;
      for (let j = 0; j < this.dim; j++) {
        this.X[j] *= r;
        this.XB[j] *= r;
        this.YA[j] *= r;
        this.XY[j] *= r;
        this.XX[j] *= r2;
        this.XA[j] *= r2;
      }
      this.M = la;
    }
    const a = la === -Infinity ? 0 : Math.exp(la - this.M);
    const b = Math.exp(lb);
    this.A += a;
    this.AA += a * a;
    this.B += b;
    this.BB += b * b;
    this.AB += a * b;
    for (let j = 0; j < this.dim; j++) {
      const x = a * d[j];
      const y = b * d[j];
      this.X[j] += x;
      this.Y[j] += y;
      this.XX[j] += x * x;
      this.YY[j] += y * y;
      this.XY[j] += x * y;
      this.XA[j] += x * a;
      this.XB[j] += x * b;
      this.YA[j] += y * a;
      this.YB[j] += y * b;
    }
  }

  /** Means, variances and covariance of a (in the shifted frame) and b. */
  private moments(): { A: number; B: number; vA: number; vB: number; cAB: number } {
    const N = this.n;
    const A = this.A / N;
    const B = this.B / N;
    return {
      A,
      B,
      vA: Math.max(0, this.AA / N - A * A),
      vB: Math.max(0, this.BB / N - B * B),
      cAB: this.AB / N - A * B,
    };
  }

  /** Var(a)/Var(a − ĉb) with the fitted ĉ: the control variate's variance reduction (∞ when exact). */
  cvGain(): number {
    const { vA, vB, cAB } = this.moments();
    const c = vB > 0 ? cAB / vB : 0;
    const vFit = Math.max(0, vA - 2 * c * cAB + c * c * vB);
    return vFit > 0 ? vA / vFit : vA > 0 ? Infinity : 1;
  }

  /**
   * The estimates: log R̂ (including the shift M), its relative standard error se(R̂)/R̂, the mean
   * offsets mⱼ = E_ρ[yⱼ] − c̄ⱼ with standard errors, Kish's ESS of a, and the coefficient ĉ
   * (0 without the control variate). `logR` is NaN when R̂ is not positive (callers must not trust it).
   */
  estimate(useCv: boolean): {
    logR: number;
    relSe: number;
    mean: Float64Array;
    meanSe: Float64Array;
    ess: number;
    c: number;
  } {
    const N = this.n;
    const { A, B, vA, vB, cAB } = this.moments();
    const c = useCv && vB > 0 ? cAB / vB : 0;
    const R = A - c * (B - 1);
    const vR = Math.max(0, vA - 2 * c * cAB + c * c * vB);
    const dof = Math.max(1, N - 2);
    const seR = Math.sqrt(vR / dof);
    const mean = new Float64Array(this.dim);
    const meanSe = new Float64Array(this.dim);
    for (let j = 0; j < this.dim; j++) {
      const X = this.X[j] / N;
      const Y = this.Y[j] / N;
      const vX = this.XX[j] / N - X * X;
      const vY = this.YY[j] / N - Y * Y;
      const cXY = this.XY[j] / N - X * Y;
      const cXA = this.XA[j] / N - X * A;
      const cXB = this.XB[j] / N - X * B;
      const cYA = this.YA[j] / N - Y * A;
      const cYB = this.YB[j] / N - Y * B;
      const g = c; // one coefficient: the residual weights e = a − ĉb carry d
      const m = (X - g * Y) / R;
      mean[j] = m;
      const v =
        vX +
        g * g * vY +
        m * m * (vA + c * c * vB - 2 * c * cAB) +
        2 * (-g * cXY - m * cXA + m * c * cXB + g * m * cYA - g * m * c * cYB);
      meanSe[j] = Math.sqrt(Math.max(0, v) / dof) / Math.abs(R);
    }
    const ess = this.AA > 0 ? (this.A * this.A) / this.AA : 0;
    return { logR: R > 0 ? Math.log(R) + this.M : NaN, relSe: seR / R, mean, meanSe, ess, c };
  }
}
