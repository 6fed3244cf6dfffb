/**
 * Adam and AdamW, exactly as torch 1.13 (single-tensor path), per element with step t = 1, 2, …:
 *   Adam:  g ← g + λθ (L2 decay);   AdamW: θ ← θ(1 − lr·λ) (decoupled decay)
 *   m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
 *   θ ← θ − (lr/(1 − β₁ᵗ)) · m / (√v/√(1 − β₂ᵗ) + ε)
 */
import { type Tree, zerosLike } from "../core/tree.ts";
import { streamKernels } from "../core/backends/gemm/index.ts";
import { leafwise, leafwiseInto } from "./leafwise.ts";
import type { Optimizer, StepContext } from "./types.ts";

export interface AdamOptions {
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

export type AdamState = { step: number; exp_avg: Tree; exp_avg_sq: Tree };

function make(
  name: "adam" | "adamw",
  decoupled: boolean,
  { betas = [0.9, 0.999], eps = 1e-8, weightDecay }: AdamOptions,
): Optimizer<AdamState> {
  const [b1, b2] = betas;
  const wd = weightDecay ?? (decoupled ? 0.01 : 0);
  return {
    name,
    gradsPerStep: 1,
    init: (params) => ({ step: 0, exp_avg: zerosLike(params), exp_avg_sq: zerosLike(params) }),
    step(params: Tree, grads: Tree, state: AdamState, { lr }: StepContext) {
      const [p, m, v] = leafwise([params, grads, state.exp_avg, state.exp_avg_sq], 3, kernel(state.step + 1, lr));
      return { params: p, state: { step: state.step + 1, exp_avg: m, exp_avg_sq: v } };
    },
    stepInPlace(params: Tree, grads: Tree, state: AdamState, { lr }: StepContext) {
      const { exp_avg: m, exp_avg_sq: v } = state;
      leafwiseInto([params, grads, m, v], [params, m, v], kernel(state.step + 1, lr));
      return { step: state.step + 1, exp_avg: m, exp_avg_sq: v };
    },
  };

  /** Step t's update of one leaf: ins (θ, g, m, v) → outs (θ', m', v'). */
  function kernel(t: number, lr: number): (ins: Float64Array[], outs: Float64Array[]) => void {
    const stepSize = lr / (1 - Math.pow(b1, t));
    const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
    const shrink = 1 - lr * wd;
    const l2 = decoupled ? 0 : wd;
    return ([th, g, m0, v0], [out, m1, v1]) => {
      // The streaming kernel (core/kernels/adamLeaf.ts, or its C twin: the same bits).
      streamKernels().adam(th, g, m0, v0, out, m1, v1, decoupled ? shrink : 1, l2, b1, b2, stepSize, bc2Sqrt, eps);
    };
  }
}

export const adam = (o: AdamOptions = {}): Optimizer<AdamState> => make("adam", false, o);
export const adamw = (o: AdamOptions = {}): Optimizer<AdamState> => make("adamw", true, o);
