/**
 * Langevin sampling of the tempered Gibbs measure of the local entropy,
 *
 *   π_λ(y) ∝ exp(−β U_λ(y)),   U_λ(y) = λ f(y) + |y − x|²/(2t),   λ ∈ [0, 1]
 *
 * (λ = 1 is ρ_x of docs/theory.md §a.5). One step is the Entropy-SGD inner loop with γ = t:
 *
 *   y' = μ(y) + √(2η/β) ξ,   μ(y) = y − η ∇U_λ(y) = y − η(λ∇f(y) + (y − x)/t),   ξ ∼ N(0, I).
 *
 * Unadjusted (ULA) this has an O(η) bias in its stationary law. With the Metropolis–Hastings
 * correction (MALA) it is exact for any η: accept with probability min(1, e^{log α}),
 *
 *   log α = −β[U(y') − U(y)] − β|y − μ(y')|²/(4η) + β|y' − μ(y)|²/(4η).
 *
 * During burn-in log η follows Robbins–Monro towards the acceptance rate 0.574 (optimal for MALA);
 * afterwards η is frozen at the mean of log η over the second half of burn-in, so the kept
 * samples come from a fixed, π_λ-reversible kernel.
 */
import { type Key, foldIn, normalArray, uniformArray } from "../core/random.ts";
import { finiteOrInf } from "./check.ts";
import type { Objective } from "./types.ts";

export const TARGET_ACCEPT = 0.574;
const BLOCK = 128;

export interface ChainState {
  y: Float64Array;
  /** f(y) and ∇f(y). */
  f: number;
  g: Float64Array;
  /** Current step size η. */
  eta: number;
}

export interface LangevinSettings {
  x: Float64Array;
  t: number;
  beta: number;
  lambda: number;
  /** Metropolis adjustment (MALA); false = ULA. */
  adjust: boolean;
}

export function initialState(obj: Objective, y: Float64Array, eta: number): ChainState {
  const r = obj.valueAndGrad!(y);
  return { y, f: finiteOrInf(r.value, "at the chain start"), g: r.grad, eta };
}

/** U_λ(y) and the drift mean μ(y) = y − η∇U_λ(y). */
function potentialAndMean(
  s: LangevinSettings,
  y: Float64Array,
  f: number,
  g: Float64Array,
  eta: number,
): { U: number; mu: Float64Array } {
  const { x, t, lambda } = s;
  const mu = new Float64Array(y.length);
  let q = 0;
  for (let j = 0; j < y.length; j++) {
    const d = y[j] - x[j];
    q += d * d;
    mu[j] = y[j] - eta * (lambda * g[j] + d / t);
  }
  return { U: lambda * f + q / (2 * t), mu };
}

/**
 * One Langevin step of `state` (updated in place when accepted) with standard normal noise ξ
 * (length n) and a uniform draw for the Metropolis test. Returns the acceptance probability.
 */
export function langevinStep(
  obj: Objective,
  s: LangevinSettings,
  state: ChainState,
  xi: Float64Array,
  uniform: number,
): number {
  const n = state.y.length;
  const { beta } = s;
  const eta = state.eta;
  const cur = potentialAndMean(s, state.y, state.f, state.g, eta);
  const noise = Math.sqrt((2 * eta) / beta);
  const yp = new Float64Array(n);
  for (let j = 0; j < n; j++) yp[j] = cur.mu[j] + noise * xi[j];
  const r = obj.valueAndGrad!(yp);
  const fp = finiteOrInf(r.value, "at a Langevin proposal");
  let a = 1;
  if (s.adjust) {
    if (!Number.isFinite(fp) || r.grad.some((v) => !Number.isFinite(v))) a = 0;
    else {
      const prop = potentialAndMean(s, yp, fp, r.grad, eta);
      let back = 0;
      let fwd = 0;
      for (let j = 0; j < n; j++) {
        back += (state.y[j] - prop.mu[j]) ** 2;
        fwd += (yp[j] - cur.mu[j]) ** 2;
      }
      const logA = -beta * (prop.U - cur.U) - (beta * (back - fwd)) / (4 * eta);
      a = logA >= 0 ? 1 : Math.exp(logA);
    }
  } else if (!Number.isFinite(fp)) {
    throw new Error(`unadjusted Langevin diverged (f = ${fp}) with step ${eta}: use a smaller step or MALA`);
  }
  if (uniform < a) {
    state.y = yp;
    state.f = fp;
    state.g = r.grad;
  }
  return a;
}

/**
 * Runs `steps` Langevin steps from `state` (updated in place). `adapt` tunes η (burn-in only);
 * `onSample` sees the state after every step. Returns the mean acceptance probability.
 */
export function langevinRun(
  obj: Objective,
  s: LangevinSettings,
  state: ChainState,
  opts: { steps: number; key: Key; adapt: boolean; onSample?: (st: ChainState) => void },
): number {
  const n = state.y.length;
  let accSum = 0;
  let logEta = Math.log(state.eta);
  let logEtaSum = 0;
  let logEtaCount = 0;
  let xi: Float64Array = new Float64Array(0);
  let unif: Float64Array = new Float64Array(0);
  for (let k = 0; k < opts.steps; k++) {
    if (k % BLOCK === 0) {
      xi = normalArray(foldIn(opts.key, 2 * (k / BLOCK)), BLOCK * n);
      unif = uniformArray(foldIn(opts.key, 2 * (k / BLOCK) + 1), BLOCK);
    }
    const off = (k % BLOCK) * n;
    const a = langevinStep(obj, s, state, xi.subarray(off, off + n), unif[k % BLOCK]);
    accSum += a;
    if (opts.adapt && s.adjust) {
      logEta += (a - TARGET_ACCEPT) / Math.pow(k + 1, 0.6);
      logEta = Math.min(Math.max(logEta, -60), Math.log(2 * s.t)); // η < 2t keeps the Gaussian part stable
      if (k >= opts.steps / 2) {
        logEtaSum += logEta;
        logEtaCount++;
      }
      state.eta = Math.exp(logEta);
    }
    opts.onSample?.(state);
  }
  if (opts.adapt && s.adjust && logEtaCount > 0) state.eta = Math.exp(logEtaSum / logEtaCount);
  return opts.steps > 0 ? accSum / opts.steps : NaN;
}
