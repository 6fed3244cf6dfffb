/**
 * A training trajectory of a stepped optimizer (state carried along, mini-batches drawn by a
 * `BatchSampler` keyed by `key`, noise keyed by the step): the input of the stochastic-area test and
 * of the Noether-charge drift. `onStep(k, θ_k)` sees θ₀ … θ_T (flat, a fresh array each time).
 */
import type { Tensor } from "../core/tensor.ts";
import { type Key, foldIn } from "../core/random.ts";
import { valueAndGrad } from "../core/autodiff.ts";
import { type Tree, ravel, unravel } from "../core/tree.ts";
import { lossFn } from "../nn/losses.ts";
import { BatchSampler } from "../data/sampler.ts";
import { takeRows } from "../data/split.ts";
import { optimizerOf } from "../optim/config.ts";
import type { Dynamics, Problem } from "./stepper.ts";

export function runTrajectory(
  problem: Problem,
  dynamics: Extract<Dynamics, { kind: "step" }>,
  theta0: Float64Array,
  steps: number,
  key: Key,
  onStep: (k: number, theta: Float64Array) => void,
): Float64Array {
  const { model, template, x, y } = problem;
  const L = lossFn(problem.loss);
  const vg = valueAndGrad((p: Tree, xb: Tensor, yb: Tensor) => L(model.apply(p, xb), yb));
  const opt = optimizerOf(dynamics.optimizer);
  const sampler = new BatchSampler(x.shape[0], dynamics.batchSize, dynamics.replacement, key);
  const full = !dynamics.replacement && dynamics.batchSize >= x.shape[0];
  let pos = 0;
  const nextBatch = () => {
    if (full) return { x, y };
    const idx = sampler.indices(pos++);
    return { x: takeRows(x, idx), y: takeRows(y, idx) };
  };
  let params: Tree = unravel(template, Float64Array.from(theta0));
  let state = opt.init(params);
  onStep(0, ravel(params));
  for (let k = 1; k <= steps; k++) {
    const b = nextBatch();
    const g = vg(params, b.x, b.y).grad;
    const r = opt.step(params, g, state, {
      lr: dynamics.optimizer.lr,
      key: foldIn(key, 0x7a000000 + k),
      gradAt: (p: Tree) => {
        const bb = nextBatch();
        return vg(p, bb.x, bb.y).grad;
      },
    });
    params = r.params;
    state = r.state;
    const theta = ravel(params);
    for (let i = 0; i < theta.length; i++)
      if (!Number.isFinite(theta[i]))
        throw new Error(`trajectory: parameter ${i} became ${theta[i]} at step ${k} (learning rate too large?)`);
    onStep(k, theta);
  }
  return ravel(params);
}
