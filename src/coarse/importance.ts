/**
 * Importance-sampling estimator of the local entropy (docs/theory.md §a.1, a.5):
 *
 *   v = E_{y∼N(x, σ²I)}[e^{−βf(y)}],  σ² = t/β,   u = −β⁻¹ log v,   ∇u = (x − ⟨y⟩)/t.
 *
 * Draws yᵢ = x + δ + σzᵢ, zᵢ ∼ N(0, I) from the proposal q = N(x + δ, σ²I) (δ = 0: the kernel
 * itself; δ = −t∇f(x): "shifted") with log-weights ℓᵢ = −βf(yᵢ) + log φ_x(yᵢ) − log q(yᵢ)
 * (= −βf(yᵢ) for δ = 0), kept in log-sum-exp form (running maximum) so no weight overflows.
 *
 *   v̂ = (1/N)Σwᵢ,  ESS = (Σw)²/Σw²,  ⟨y⟩ = Σwᵢyᵢ/Σwᵢ (self-normalised).
 *
 * Errors by the delta method: Var(v̂)/v² ≈ (N/ESS − 1)/N = 1/ESS − 1/N, so
 *   se(u) = β⁻¹ √(1/ESS − 1/N),  and u carries the second-order bias correction
 *   E[log v̂] ≈ log v − ½(1/ESS − 1/N)  ⇒  û = −β⁻¹[log v̂ + ½(1/ESS − 1/N)];
 *   se(⟨y⟩ⱼ)² ≈ Σwᵢ²(yᵢⱼ − ⟨y⟩ⱼ)²/(Σwᵢ)²,  se(∇u)ⱼ = se(⟨y⟩ⱼ)/t.
 * Adaptive: the sample count doubles (fresh keys per batch) until se(u) ≤ the target or the cap.
 * These errors are reported only when the weights support them (docs/local-entropy.md
 * §reliability): Pareto k̂ ≤ 0.7, ESS ≥ MIN_ESS and, when f has HVPs, a tail index
 * t·max(0, −λ_min(∇²f(x))) below ½ (finite variance); otherwise stderr and gradStderr are null.
 * proposal "laplace" is a different estimator (laplace.ts).
 */
import { normalArray, foldIn, type Key } from "../core/random.ts";
import { extremeEigenpairs } from "../curvature/lanczos.ts";
import { InputError } from "../errors.ts";
import { checkCommon, finiteOrInf } from "./check.ts";
import { gradientSummary } from "./stats.ts";
import { laplaceEstimate } from "./laplace.ts";
import { paretoKHat, heavyTail, KHAT_MAX, MIN_ESS } from "./psis.ts";
import { certify } from "./reliability.ts";
import { PROPOSALS, type ImportanceOptions, type LocalEntropyResult, type Objective } from "./types.ts";
import { integer, positive } from "../validate.ts";

class WeightedSums {
  M = -Infinity;
  S0 = 0;
  S00 = 0;
  n = 0;
  readonly S1: Float64Array;
  readonly S2: Float64Array;
  readonly S22: Float64Array;
  constructor(dim: number) {
    this.S1 = new Float64Array(dim);
    this.S2 = new Float64Array(dim);
    this.S22 = new Float64Array(dim);
  }

  /** Adds a sample with log-weight lw and offset d = y − x. */
  add(lw: number, d: Float64Array): void {
    this.n++;
    if (lw === -Infinity) return;
    if (lw > this.M) {
      const r = Math.exp(this.M - lw);
      const r2 = r * r;
      this.S0 *= r;
      this.S00 *= r2;
      for (let j = 0; j < d.length; j++) {
        this.S1[j] *= r;
        this.S2[j] *= r2;
        this.S22[j] *= r2;
      }
      this.M = lw;
    }
    const w = Math.exp(lw - this.M);
    const w2 = w * w;
    this.S0 += w;
    this.S00 += w2;
    for (let j = 0; j < d.length; j++) {
      this.S1[j] += w * d[j];
      this.S2[j] += w2 * d[j];
      this.S22[j] += w2 * d[j] * d[j];
    }
  }
}

export function importanceEstimate(obj: Objective, x: Float64Array, o: ImportanceOptions): LocalEntropyResult {
  const key = checkCommon(obj, x, o);
  const { t, beta } = o;
  const n = obj.dim;
  const N0 = integer(o.samples ?? 1024, "samples", 2);
  const target = o.stderr === undefined ? undefined : positive(o.stderr, "stderr");
  const maxN = integer(o.maxSamples ?? Math.max(N0, 2 ** 18), "maxSamples", N0);
  const sigma = Math.sqrt(t / beta);
  const proposal = o.proposal ?? "kernel";
  if (!PROPOSALS.includes(proposal))
    throw new InputError(`proposal: expected ${PROPOSALS.join(", ")}, got ${String(proposal)}`, { field: "proposal" });
  if (proposal !== "kernel" && !obj.valueAndGrad)
    throw new InputError(`proposal ${proposal}: the objective has no gradient`);
  if (o.starts !== undefined) integer(o.starts, "starts", 0);
  if (o.rank !== undefined) integer(o.rank, "rank", 0);
  if (proposal === "laplace") return laplaceEstimate(obj, x, o, { N0, target, maxN, key });
  let delta = new Float64Array(n);
  let evals = 0;
  if (proposal === "shifted") {
    delta = obj.valueAndGrad!(x).grad.map((g) => -t * g);
    evals++;
  }
  const delta2 = delta.reduce((s, v) => s + v * v, 0);

  const acc = new WeightedSums(n);
  const logW: number[] = [];
  const y = new Float64Array(n);
  const d = new Float64Array(n);
  let batch = 0;
  let stats: ReturnType<typeof summarise>;
  for (;;) {
    const size = batch === 0 ? N0 : acc.n; // doubles the total each round
    const z = normalArray(foldIn(key, batch++), size * n);
    for (let i = 0; i < size; i++) {
      let zd = 0;
      for (let j = 0; j < n; j++) {
        const zj = z[i * n + j];
        d[j] = delta[j] + sigma * zj;
        y[j] = x[j] + d[j];
        zd += zj * delta[j];
      }
      // log φ_x(y) − log q(y) = (|z|² − |δ/σ + z|²)/2 = −zᵀδ/σ − |δ|²/(2σ²)
      const lr = proposal === "shifted" ? -zd / sigma - delta2 / (2 * sigma * sigma) : 0;
      const lw = -beta * finiteOrInf(obj.value(y), "at an importance sample") + lr;
      logW.push(lw);
      acc.add(lw, d);
    }
    evals += size;
    stats = summarise(acc, beta);
    if (target === undefined || stats.se <= target || 2 * acc.n > maxN) break;
    if (paretoKHat(logW) > KHAT_MAX) break; // more samples cannot certify an infinite-variance estimate
  }
  if (acc.M === -Infinity) throw new Error("importance sampling: every sample has zero weight (f = +∞ at all samples)");

  const mean = new Float64Array(n);
  const grad = new Float64Array(n);
  const gradStderr = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const m = acc.S1[j] / acc.S0; // ⟨y − x⟩
    mean[j] = x[j] + m;
    grad[j] = -m / t;
    gradStderr[j] = Math.sqrt(Math.max(0, acc.S22[j] - 2 * m * acc.S2[j] + m * m * acc.S00)) / acc.S0 / t;
  }
  const kHat = paretoKHat(logW);
  const failures: string[] = [];
  if (!(stats.ess >= MIN_ESS))
    failures.push(
      `ESS = ${stats.ess.toPrecision(3)} < ${MIN_ESS} of ${acc.n} samples: the weights are degenerate, ` +
        "so u and ∇u are unreliable too (use method auto, or proposal laplace)",
    );
  if (heavyTail(kHat, Math.sqrt(Math.max(0, acc.n / stats.ess - 1))))
    failures.push(
      `Pareto k̂ = ${kHat.toPrecision(3)} > ${KHAT_MAX}: the importance weights are too heavy-tailed for a standard error`,
    );
  // the weights' tail from the curvature at x: along the most negative curvature λ_min of f the
  // kernel weights grow like e^{t|λ_min|z²/2}, z ∼ N(0, 1), a tail of index k = t·|λ_min|; at k ≥ ½
  // their variance is infinite, which a sample may not show (k̂ read 0.3–0.5 in runs whose ∇u
  // errors were understated tenfold on an indefinite quadratic)
  const curvatureK = obj.hvp ? kernelTailIndex(obj, x, t, key) : null;
  if (curvatureK !== null && curvatureK >= 0.5)
    failures.push(
      `the loss curves down at x (t·λ_min(∇²f) = ${(-curvatureK).toPrecision(3)}): the kernel weights have tail ` +
        `index ${curvatureK.toPrecision(3)} ≥ 0.5, infinite variance`,
    );
  const warnings: string[] = [];
  if (target !== undefined && failures.length === 0 && stats.se > target)
    warnings.push(`importance: stderr ${stats.se.toPrecision(3)} > target ${target} at the cap of ${acc.n} samples`);
  return certify(
    {
      method: "importance",
      estimator: `importance (${proposal} proposal)`,
      t,
      beta,
      nu: 1 / (2 * beta),
      dim: n,
      u: stats.u,
      uNote: "−β⁻¹ log of the importance-sampled kernel average of e^{−βf}, delta-method bias-corrected",
      stderr: stats.se,
      errorKind: "statistical",
      ...gradientSummary(grad, gradStderr),
      mean,
      ess: stats.ess,
      samples: evals,
      warnings,
      details: { proposal, sampleCount: acc.n, rounds: batch, logV: stats.logV, kHat },
    },
    failures,
    { ess: stats.ess, kHat, kHatMax: KHAT_MAX, minEss: MIN_ESS, curvatureTailIndex: curvatureK },
  );
}

/** t·max(0, −λ_min(∇²f(x))) by a short Lanczos run on exact HVPs. */
function kernelTailIndex(obj: Objective, x: Float64Array, t: number, k: Key): number {
  const e = extremeEigenpairs({ n: obj.dim, apply: (v) => obj.hvp!(x, v) }, { key: foldIn(k, 0x7a11), steps: 20 });
  const lmin = e.bottom.values[0] ?? 0;
  return t * Math.max(0, -lmin);
}

function summarise(acc: WeightedSums, beta: number): { u: number; se: number; ess: number; logV: number } {
  const N = acc.n;
  const ess = acc.S0 > 0 ? (acc.S0 * acc.S0) / acc.S00 : 0;
  const logV = acc.M + Math.log(acc.S0 / N);
  const c = Math.max(0, 1 / ess - 1 / N);
  return { u: -(logV + c / 2) / beta, se: Math.sqrt(c) / beta, ess, logV };
}
