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
 * so β = ∞ gives the noise-free loop of docs/performance.md §sgld-inner (whose γ_w is the scope 1/γ).
 */
import { type Key, foldIn } from "../core/random.ts";
import { Tensor } from "../core/tensor.ts";
import { type Tree, leaves, unflatten } from "../core/tree.ts";
import { type InnerLoop, type LangevinInner, compileLangevinInner } from "../compiled/langevinInner.ts";
import { langevinLeaf, leafDraws, stepNoise } from "./langevin.ts";
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

export type { InnerLoop };

/**
 * The inner SGLD loop at anchor x with coupling γ (see the file comment); step ℓ's noise comes
 * from the generator keyed by foldIn(key, ℓ). y and μ are fresh arrays (x and g0 are never written).
 */
export function entropySgdInner(
  x: Tree,
  g0: Tree,
  gradAt: ((y: Tree) => Tree) | undefined,
  key: Key | undefined,
  o: Required<EntropySgdOptions>,
  gamma: number,
): InnerLoop {
  const { innerLr: eta, innerSteps: L, alpha, beta } = o;
  const s = Math.sqrt((2 * eta) / beta);
  const xs = leaves(x);
  const mus = xs.map((t) => t.data.slice());
  let y = x;
  for (let l = 0; l < L; l++) {
    let g = g0;
    if (l > 0) {
      if (!gradAt) throw new Error("entropy-sgd: the inner loop needs ctx.gradAt for its mini-batch gradients");
      g = gradAt(y);
    }
    const noise = s === 0 ? null : stepNoise(foldIn(requireKey(key, "entropy-sgd"), l));
    // μ is private to the loop (copies of x), so the kernel updates it in place.
    [y] = leafwise([y, g, x], 1, ([yi, gi, xi], [out], j) =>
      langevinLeaf(yi, gi, out, eta, 0, gamma, xi, s, leafDraws(noise, s, yi.length), mus[j], alpha),
    );
  }
  return {
    y,
    mu: unflatten(
      x,
      xs.map((t, j) => new Tensor(mus[j], t.shape)),
    ),
  };
}

export function entropySgd(options: EntropySgdOptions): Optimizer<EntropySgdState> {
  const o: Required<EntropySgdOptions> = { gammaScoping: 0, alpha: 0.75, ...options };
  if (!Number.isInteger(o.innerSteps) || o.innerSteps < 1)
    throw new Error(`entropy-sgd: innerSteps must be a positive integer, got ${o.innerSteps}`);
  if (!(o.beta > 0)) throw new Error(`entropy-sgd: beta must be positive, got ${o.beta}`);
  // The compiled inner loop (ctx.compiled), built for the first parameter tree it meets and again
  // when the structure changes: its buffers are reused from step to step.
  let compiled: { sizes: number[]; inner: LangevinInner } | null = null;
  const innerFor = (params: Tree): LangevinInner => {
    const sizes = leaves(params).map((t) => t.size);
    if (compiled === null || sizes.length !== compiled.sizes.length || sizes.some((n, j) => n !== compiled!.sizes[j]))
      compiled = { sizes, inner: compileLangevinInner(params, o) };
    return compiled.inner;
  };
  return {
    name: "entropy-sgd",
    gradsPerStep: o.innerSteps,
    init: () => ({ step: 0 }),
    step(params: Tree, grads: Tree, state: EntropySgdState, { lr, key, gradAt, compiled }: StepContext) {
      const gamma = o.gamma * Math.pow(1 + o.gammaScoping, state.step);
      // μ from the compiled loop is a view of its buffer, read right away below.
      const { mu } = compiled
        ? innerFor(params)(params, grads, gradAt, key, gamma)
        : entropySgdInner(params, grads, gradAt, key, o, gamma);
      const c = lr * gamma;
      const [p] = leafwise([params, mu], 1, ([x, m], [out]) => {
        for (let i = 0; i < x.length; i++) out[i] = x[i] - c * (x[i] - m[i]);
      });
      return { params: p, state: { step: state.step + 1 } };
    },
  };
}
