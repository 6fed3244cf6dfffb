/**
 * Stochastic gradient Langevin dynamics (Welling & Teh 2011) at inverse temperature β:
 *   θ ← θ − η(g + λθ) + √(2η/β)·ξ,   ξ ~ N(0, I) drawn from the step's key (langevin.ts),
 * the Euler–Maruyama step of dθ = −∇L dt + √(2/β) dW, whose stationary law is ∝ exp(−βL).
 */
import { langevinLeaf, leafDraws, stepNoise } from "./langevin.ts";
import type { Tree } from "../core/tree.ts";
import { leafwise, requireKey } from "./leafwise.ts";
import type { Optimizer, StepContext } from "./types.ts";

export interface SgldOptions {
  /** Inverse temperature; Infinity turns the noise off. */
  beta: number;
  weightDecay?: number;
}

export type SgldState = { step: number };

export function sgld({ beta, weightDecay = 0 }: SgldOptions): Optimizer<SgldState> {
  if (!(beta > 0)) throw new Error(`sgld: beta must be positive, got ${beta}`);
  return {
    name: "sgld",
    gradsPerStep: 1,
    init: () => ({ step: 0 }),
    step(params: Tree, grads: Tree, state: SgldState, { lr, key }: StepContext) {
      const k = requireKey(key, "sgld");
      const s = Math.sqrt((2 * lr) / beta);
      const noise = s === 0 ? null : stepNoise(k);
      const [p] = leafwise([params, grads], 1, ([th, g], [out]) => {
        langevinLeaf(th, g, out, lr, weightDecay, 0, th, s, leafDraws(noise, s, th.length), null, 0);
      });
      return { params: p, state: { step: state.step + 1 } };
    },
  };
}
