/**
 * Adam and AdamW, exactly as torch 1.13 (single-tensor path), per element with step t = 1, 2, …:
 *   Adam:  g ← g + λθ (L2 decay);   AdamW: θ ← θ(1 − lr·λ) (decoupled decay)
 *   m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
 *   θ ← θ − (lr/(1 − β₁ᵗ)) · m / (√v/√(1 − β₂ᵗ) + ε)
 */
import type { Tree } from "../tree/tree.ts";
import { leafwise } from "./leafwise.ts";
import { zerosTree } from "./sgd.ts";
import type { Optimizer, StepContext } from "./types.ts";

export interface AdamOptions {
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

export type AdamState = { step: number; exp_avg: Tree; exp_avg_sq: Tree };

function make(name: "adam" | "adamw", decoupled: boolean, { betas = [0.9, 0.999], eps = 1e-8, weightDecay }: AdamOptions): Optimizer<AdamState> {
  const [b1, b2] = betas;
  const wd = weightDecay ?? (decoupled ? 0.01 : 0);
  return {
    name,
    gradsPerStep: 1,
    init: (params) => ({ step: 0, exp_avg: zerosTree(params), exp_avg_sq: zerosTree(params) }),
    step(params: Tree, grads: Tree, state: AdamState, { lr }: StepContext) {
      const t = state.step + 1;
      const stepSize = lr / (1 - Math.pow(b1, t));
      const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
      const shrink = 1 - lr * wd;
      const [p, m, v] = leafwise([params, grads, state.exp_avg, state.exp_avg_sq], 3, ([th, g, m0, v0], [out, m1, v1]) => {
        for (let i = 0; i < th.length; i++) {
          const x = decoupled && wd !== 0 ? th[i] * shrink : th[i];
          const gi = !decoupled && wd !== 0 ? g[i] + wd * th[i] : g[i];
          const mi = m0[i] * b1 + (1 - b1) * gi;
          const vi = v0[i] * b2 + (1 - b2) * gi * gi;
          m1[i] = mi;
          v1[i] = vi;
          out[i] = x + (-stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
        }
      });
      return { params: p, state: { step: t, exp_avg: m, exp_avg_sq: v } };
    },
  };
}

export const adam = (o: AdamOptions = {}): Optimizer<AdamState> => make("adam", false, o);
export const adamw = (o: AdamOptions = {}): Optimizer<AdamState> => make("adamw", true, o);
