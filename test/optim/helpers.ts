/** Small helpers for the optimizer tests: vectors as one-leaf trees and repeated steps. */
import { Tensor } from "../../src/core/tensor.ts";
import type { Optimizer, OptState, StepContext } from "../../src/optim/types.ts";
import type { Tree } from "../../src/core/tree.ts";

export const vec = (...v: number[]): Tree => ({ w: new Tensor(Float64Array.from(v), [v.length]) });
export const values = (t: Tree): number[] => Array.from((t as { w: Tensor }).w.data);

/** Runs `opt` from θ₀ over the given gradients; returns θ after each step. */
export function run(
  opt: Optimizer,
  theta0: number[],
  grads: number[][],
  ctx: Omit<StepContext, "gradAt"> = { lr: 0.1 },
): number[][] {
  let p = vec(...theta0);
  let s: OptState = opt.init(p);
  const out: number[][] = [];
  for (const g of grads) {
    ({ params: p, state: s } = opt.step(p, vec(...g), s, ctx));
    out.push(values(p));
  }
  return out;
}
