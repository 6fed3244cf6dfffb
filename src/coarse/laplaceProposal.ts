/**
 * The defensive Laplace mixture proposal of importance sampling (docs/local-entropy.md §laplace).
 * With the kernel's modes y*_k, Laplace fits N(y*_k, P_k⁻¹) and masses π_k (modes.ts), and
 * s² = 1 + 2/√n,
 *
 *   q = 0.8 Σ π'_k N(y*_k, P_k⁻¹) + 0.1 Σ π'_k N(y*_k, s²P_k⁻¹) + 0.1 N(x, (t/β)I),
 *
 * π'_k = π_k floored at 1/(4K) and renormalised, so every mode found is sampled. The kernel
 * component keeps the weights bounded (p̃/q ≤ 10 p̃/N(x, t/β) ∝ e^{−βf}), the widened one covers
 * moderately heavier tails (s² shrinks with n so its own weights stay O(1) in log). Also the
 * normalised Laplace mixture q_L = Σ π_k N(y*_k, P_k⁻¹), the control variate, and its mean c̄.
 */
import { kernelFit, type GaussianFit } from "./gaussian.ts";
import { logSumExp } from "./stats.ts";
import type { KernelMode } from "./modes.ts";

interface Component {
  fit: GaussianFit;
  /** Index of its mode's quadratic form (modes.length: the kernel). */
  form: number;
  scale: number;
  logWeight: number;
}

export interface ProposalDraw {
  y: Float64Array;
  logQ: number;
  logQL: number;
}

export class LaplaceMixture {
  readonly logPi: number[];
  readonly cbar: Float64Array;
  private readonly comps: Component[] = [];
  private readonly cumulative: number[];
  private readonly fits: GaussianFit[];

  constructor(
    readonly modes: readonly KernelMode[],
    x: Float64Array,
    t: number,
    beta: number,
    /** log Σ_k Z_k. */
    logZL: number,
  ) {
    const n = x.length;
    this.logPi = modes.map((m) => m.logMass - logZL);
    const floorPi = 1 / (4 * modes.length);
    const piS = this.logPi.map((l) => Math.max(Math.exp(l), floorPi));
    const piSum = piS.reduce((a, b) => a + b, 0);
    const s = Math.sqrt(1 + 2 / Math.sqrt(n));
    modes.forEach((m, k) => {
      this.comps.push({ fit: m.fit, form: k, scale: 1, logWeight: Math.log((0.8 * piS[k]) / piSum) });
      this.comps.push({ fit: m.fit, form: k, scale: s, logWeight: Math.log((0.1 * piS[k]) / piSum) });
    });
    const kernel = kernelFit(x, t, beta);
    this.comps.push({ fit: kernel, form: modes.length, scale: 1, logWeight: Math.log(0.1) });
    this.fits = [...modes.map((m) => m.fit), kernel];
    let c = 0;
    this.cumulative = this.comps.map((cp) => (c += Math.exp(cp.logWeight)));
    this.cbar = new Float64Array(n);
    modes.forEach((m, k) => {
      for (let j = 0; j < n; j++) this.cbar[j] += Math.exp(this.logPi[k]) * m.y[j];
    });
  }

  /** A draw from q given a standard normal z (length n) and a uniform `pick`, with log q and log q_L there. */
  draw(z: Float64Array, pick: number): ProposalDraw {
    const i = this.cumulative.findIndex((w) => pick < w);
    const c = this.comps[i < 0 ? this.comps.length - 1 : i];
    const y = c.fit.sample(z, c.scale);
    const quad = this.fits.map((f) => f.mahalanobis2(y)); // shared by a mode's narrow and widened copies
    const logQ = logSumExp(this.comps.map((cp) => cp.logWeight + cp.fit.logDensityOfQuad(quad[cp.form], cp.scale)));
    const logQL = logSumExp(this.modes.map((m, k) => this.logPi[k] + m.fit.logDensityOfQuad(quad[k])));
    return { y, logQ, logQL };
  }
}
