/**
 * Entropy-SGD (Chaudhari et al., ICLR 2017, Algorithm 1), which descends the local entropy
 * F_γ(x) = log ∫ exp(−f(y) − (γ/2)‖x − y‖²) dy instead of f. One step at x, with coupling
 * γ_t = γ₀(1 + γ₁)^t ("scoping": the coupling grows, the scope 1/γ shrinks, with the number t of
 * outer steps taken):
 *
 *   y ← x, μ ← x
 *   for ℓ = 0 … L−1:                                   (SGLD on f(y) + (γ/2)‖x − y‖²)
 *     g ← ∇f(y) on a fresh mini-batch                   (ℓ = 0 uses the step's `grads`, y = x there)
 *     y ← y − η'(g + γ(y − x)) + √(2η'/β)·ξ_ℓ           ξ_ℓ ~ N(0, I)
 *     μ ← (1 − α)μ + αy                                 (exponential average of the inner iterates)
 *   x ← x − ηγ(x − μ)                                  (−∇F_γ(x) ≈ γ(μ − x), μ ≈ ⟨y⟩ under exp(−f − γ‖x−y‖²/2))
 *
 * The paper writes the noise as √η'·ε with thermal noise ε; here ε = √(2/β), the SGLD convention,
 * so β = ∞ gives the noise-free loop of workloads.md "sgld-inner" (whose γ_w is the scope 1/γ).
 */
import { type Key, foldIn, normalArray } from "../core/random.ts";
import type { Tree } from "../tree/tree.ts";
import { leafwise, requireKey } from "./leafwise.ts";
import type { Optimizer, StepContext } from "./types.ts";

export interface EntropySgdOptions {
  /** η' — step size of the inner Langevin loop. */
  innerLr: number;
  /** L — Langevin steps (mini-batch gradients) per outer step. */
  innerSteps: number;
  /** γ₀ — initial coupling. */
  gamma: number;
  /** γ₁ — scoping rate: γ_t = γ₀(1 + γ₁)^t. */
  gammaScoping?: number;
  /** α — weight of the newest iterate in the average μ. */
  alpha?: number;
  /** β — inverse temperature of the Langevin noise (Infinity: none). */
  beta: number;
}

export type EntropySgdState = { step: number };

export interface InnerLoop {
  /** The last inner iterate y_L. */
  y: Tree;
  /** The running average μ_L. */
  mu: Tree;
}

/** The inner SGLD loop at anchor x with coupling γ (see the file comment); noise from foldIn(key, ℓ). */
export function entropySgdInner(x: Tree, g0: Tree, gradAt: ((y: Tree) => Tree) | undefined, key: Key | undefined, o: Required<EntropySgdOptions>, gamma: number): InnerLoop {
  const { innerLr: eta, innerSteps: L, alpha, beta } = o;
  const s = Math.sqrt((2 * eta) / beta);
  let y = x, mu = x;
  for (let l = 0; l < L; l++) {
    let g = g0;
    if (l > 0) {
      if (!gradAt) throw new Error("entropy-sgd: the inner loop needs ctx.gradAt for its mini-batch gradients");
      g = gradAt(y);
    }
    const kl = s === 0 ? null : foldIn(requireKey(key, "entropy-sgd"), l);
    [y, mu] = leafwise([y, g, x, mu], 2, ([yi, gi, xi, mi], [y1, m1], j) => {
      const xiNoise = kl ? normalArray(foldIn(kl, j), yi.length) : null;
      for (let i = 0; i < yi.length; i++) {
        const yn = yi[i] - eta * (gi[i] + gamma * (yi[i] - xi[i])) + (xiNoise ? s * xiNoise[i] : 0);
        y1[i] = yn;
        m1[i] = (1 - alpha) * mi[i] + alpha * yn;
      }
    });
  }
  return { y, mu };
}

export function entropySgd(options: EntropySgdOptions): Optimizer<EntropySgdState> {
  const o: Required<EntropySgdOptions> = { gammaScoping: 0, alpha: 0.75, ...options };
  if (!Number.isInteger(o.innerSteps) || o.innerSteps < 1) throw new Error(`entropy-sgd: innerSteps must be a positive integer, got ${o.innerSteps}`);
  if (!(o.beta > 0)) throw new Error(`entropy-sgd: beta must be positive, got ${o.beta}`);
  return {
    name: "entropy-sgd",
    gradsPerStep: o.innerSteps,
    init: () => ({ step: 0 }),
    step(params: Tree, grads: Tree, state: EntropySgdState, { lr, key, gradAt }: StepContext) {
      const gamma = o.gamma * Math.pow(1 + o.gammaScoping, state.step);
      const { mu } = entropySgdInner(params, grads, gradAt, key, o, gamma);
      const c = lr * gamma;
      const [p] = leafwise([params, mu], 1, ([x, m], [out]) => {
        for (let i = 0; i < x.length; i++) out[i] = x[i] - c * (x[i] - m[i]);
      });
      return { params: p, state: { step: state.step + 1 } };
    },
  };
}
