/**
 * SGD with momentum, dampening, Nesterov momentum and L2 weight decay, exactly as torch.optim.SGD
 * (per element, μ = momentum, τ = dampening, λ = weight decay):
 *   d ← g + λθ
 *   b ← d on the first step, else μb + (1 − τ)d        (only when μ ≠ 0)
 *   d ← d + μb (Nesterov) or d ← b
 *   θ ← θ − lr·d
 */
import { streamKernels } from "../core/backends/gemm/index.ts";
import { type Tree, zerosLike } from "../core/tree.ts";
import { leafwise, leafwiseInto } from "./leafwise.ts";
import type { Optimizer, StepContext } from "./types.ts";

export interface SgdOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export type SgdState = { step: number; momentum_buffer: Tree } | { step: number };

export function sgd({
  momentum = 0,
  dampening = 0,
  nesterov = false,
  weightDecay = 0,
}: SgdOptions = {}): Optimizer<SgdState> {
  if (nesterov && (momentum <= 0 || dampening !== 0))
    throw new Error("sgd: Nesterov momentum requires a momentum and zero dampening");
  const mu = momentum,
    wd = weightDecay;
  return {
    name: "sgd",
    gradsPerStep: 1,
    init: (params) => (mu !== 0 ? { step: 0, momentum_buffer: zerosLike(params) } : { step: 0 }),
    step(params: Tree, grads: Tree, state: SgdState, { lr }: StepContext) {
      if (mu === 0) {
        const [p] = leafwise([params, grads], 1, plainKernel(lr, wd));
        return { params: p, state: { step: state.step + 1 } };
      }
      const buf = (state as { momentum_buffer: Tree }).momentum_buffer;
      const [p, b] = leafwise([params, grads, buf], 2, momentumKernel(state.step === 0, lr));
      return { params: p, state: { step: state.step + 1, momentum_buffer: b } };
    },
    stepInPlace(params: Tree, grads: Tree, state: SgdState, { lr }: StepContext) {
      if (mu === 0) {
        leafwiseInto([params, grads], [params], plainKernel(lr, wd));
        return { step: state.step + 1 };
      }
      const buf = (state as { momentum_buffer: Tree }).momentum_buffer;
      leafwiseInto([params, grads, buf], [params, buf], momentumKernel(state.step === 0, lr));
      return { step: state.step + 1, momentum_buffer: buf };
    },
    ...(mu === 0 && {
      stepLeavesInPlace(
        params: readonly Float64Array[],
        grads: readonly Float64Array[],
        state: SgdState,
        ctx: StepContext,
      ) {
        if (grads.length !== params.length)
          throw new Error("optimizer: parameter and gradient leaves differ in number");
        const { sgd: update } = streamKernels();
        for (let j = 0; j < params.length; j++) {
          if (grads[j].length !== params[j].length)
            throw new Error(`optimizer: leaf ${j} of the gradient differs in size`);
          update(params[j], grads[j], params[j], ctx.lr, wd);
        }
        return { step: state.step + 1 };
      },
    }),
  };

  function plainKernel(lr: number, wd: number): LeafKernel {
    // The update kernel of the active backend (native: a vectorised C loop, same numbers).
    const { sgd: update } = streamKernels();
    return ([th, g], [out]) => update(th, g, out, lr, wd);
  }

  /** ins (θ, g, b₀) → outs (θ', b₁); element i of the outputs reads element i of the inputs only. */
  function momentumKernel(first: boolean, lr: number): LeafKernel {
    return ([th, g, b0], [out, b1]) => {
      for (let i = 0; i < th.length; i++) {
        const d = wd === 0 ? g[i] : g[i] + wd * th[i];
        const bi = first ? d : mu * b0[i] + (1 - dampening) * d;
        b1[i] = bi;
        out[i] = th[i] - lr * (nesterov ? d + mu * bi : bi);
      }
    };
  }
}

type LeafKernel = (ins: Float64Array[], outs: Float64Array[]) => void;
