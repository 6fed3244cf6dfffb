/**
 * One optimizer update at a frozen point θ, as a function of a stream key (docs/gradient-field.md
 * §fields): the mini-batches (positions 0, 1, … of a `BatchSampler` keyed by the stream) and the
 * Langevin noise (keyed by the stream and the position) are pure functions of the key, so the same
 * key at neighbouring points gives common random numbers.
 *
 * Stateful optimizers (momentum, Adam/AdamW) are warmed at the frozen point: `warmup` updates of
 * the state with mini-batch gradients at θ itself (the parameters are reset to θ after each), then
 * one measured update. That is the drift of the optimizer whose state has equilibrated to the
 * local gradient statistics. Gradient flow is the velocity −∇L(θ) of the full-batch loss.
 */
import type { Tensor } from "../core/tensor.ts";
import { type Key, foldIn } from "../core/random.ts";
import { valueAndGrad } from "../core/autodiff.ts";
import { type Tree, ravel, unravel } from "../core/tree.ts";
import type { Model } from "../nn/index.ts";
import { lossFn, type LossName } from "../nn/losses.ts";
import { BatchSampler } from "../data/sampler.ts";
import { takeRows } from "../data/split.ts";
import { optimizerConfig, optimizerOf, type OptimizerConfig } from "../optim/config.ts";
import type { StepContext } from "../optim/types.ts";
import { InputError } from "../errors.ts";

/** A supervised loss L(θ) = loss(model(θ, x), y) on a fixed data set. */
export interface Problem {
  model: Model;
  template: Tree;
  x: Tensor;
  y: Tensor;
  loss: LossName;
}

export type Dynamics =
  | { kind: "flow" }
  | {
      kind: "step";
      optimizer: OptimizerConfig;
      batchSize: number;
      replacement: boolean;
      /** Frozen-point state updates before the measured one (default 0; use ~20 for momentum/Adam). */
      warmup?: number;
    };

/** An optimizer config with its defaults filled in (e.g. `optimizerSpec({name: "adam", lr: 1e-3})`). */
export function optimizerSpec(raw: Record<string, unknown>): OptimizerConfig {
  const r = optimizerConfig.safeParse(raw);
  if (!r.success) throw new InputError(`optimizer: ${r.error.issues[0]?.message ?? "invalid"}`);
  return r.data;
}

export interface Stepper {
  /** "flow": `displacement` is the velocity −∇L(θ); "step": an optimizer update. */
  readonly kind: "flow" | "step";
  /** Whether `allDisplacements` enumerates the update's distribution. */
  readonly enumerable: boolean;
  /** The step the displacement is divided by (the learning rate; 1 for gradient flow). */
  readonly eta: number;
  readonly deterministic: boolean;
  readonly description: string;
  /** θ⁺ − θ for gradient flow's velocity (× η = 1), or the optimizer's update under `stream`. */
  displacement(theta: Float64Array, stream: Key): Float64Array;
  /** Every equally likely displacement (enumerable mini-batches of a stateless optimizer), or null. */
  allDisplacements(theta: Float64Array): Float64Array[] | null;
  /** Full-batch loss and gradient at θ. */
  lossAndGrad(theta: Float64Array): { loss: number; grad: Float64Array };
}

const MAX_ENUMERATION = 5000;

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return Math.round(c);
}

/**
 * All index sets a sampler draws with equal probability (subsets, or ordered tuples with
 * replacement). Without replacement a batch of N or more is the whole set, as the sampler draws it.
 */
export function enumerateBatches(N: number, B: number, replacement: boolean): Int32Array[] | null {
  if (!replacement && B >= N) return [Int32Array.from({ length: N }, (_, i) => i)];
  if (replacement ? N ** B > MAX_ENUMERATION : choose(N, B) > MAX_ENUMERATION) return null;
  const out: Int32Array[] = [];
  const cur = new Int32Array(B);
  const rec = (pos: number, start: number) => {
    if (pos === B) {
      out.push(cur.slice());
      return;
    }
    // Without replacement, leave room for the B − pos − 1 indices still to come (no dead branches).
    for (let i = replacement ? 0 : start; i < (replacement ? N : N - (B - pos - 1)); i++) {
      cur[pos] = i;
      rec(pos + 1, i + 1);
    }
  };
  rec(0, 0);
  return out;
}

export function makeStepper(problem: Problem, dynamics: Dynamics): Stepper {
  const { model, template, x, y } = problem;
  const L = lossFn(problem.loss);
  const vg = valueAndGrad((p: Tree, xb: Tensor, yb: Tensor) => L(model.apply(p, xb), yb));
  const N = x.shape[0];
  const lossAndGrad = (theta: Float64Array) => {
    const r = vg(unravel(template, theta), x, y);
    return { loss: r.value.item(), grad: ravel(r.grad) };
  };
  if (dynamics.kind === "flow") {
    return {
      kind: "flow",
      enumerable: true,
      eta: 1,
      deterministic: true,
      description: "gradient flow θ̇ = −∇L(θ) (full batch)",
      displacement: (theta) => lossAndGrad(theta).grad.map((g) => -g),
      allDisplacements: (theta) => [lossAndGrad(theta).grad.map((g) => -g)],
      lossAndGrad,
    };
  }
  const { optimizer: cfg, batchSize, replacement } = dynamics;
  const warmup = dynamics.warmup ?? 0;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch size: expected ≥ 1, got ${batchSize}`);
  if (!Number.isInteger(warmup) || warmup < 0) throw new InputError(`warmup: expected an integer ≥ 0, got ${warmup}`);
  const opt = optimizerOf(cfg);
  const fullBatch = !replacement && batchSize >= N;
  const noisy = cfg.name === "sgld" || (cfg.name === "entropy-sgd" && Number.isFinite(cfg.beta));
  const cache = new Map<string, { x: Tensor; y: Tensor }>();
  const batchAt = (stream: Key, pos: number) => {
    const id = `${stream[0]},${stream[1]},${pos}`;
    let b = cache.get(id);
    if (!b) {
      if (cache.size > 4096) cache.clear();
      const idx = new BatchSampler(N, batchSize, replacement, stream).indices(pos);
      b = { x: takeRows(x, idx), y: takeRows(y, idx) };
      cache.set(id, b);
    }
    return b;
  };
  const run = (theta: Float64Array, stream: Key, firstBatch?: { x: Tensor; y: Tensor }): Float64Array => {
    const params = unravel(template, theta);
    let pos = 0;
    const next = () => (pos === 0 && firstBatch ? firstBatch : batchAt(stream, pos));
    const ctx = (): StepContext => ({
      lr: cfg.lr,
      key: foldIn(stream, 0x5eed0000 + pos),
      gradAt: (p: Tree) => {
        pos++;
        const b = batchAt(stream, pos);
        return vg(p, b.x, b.y).grad;
      },
    });
    let state = opt.init(params);
    for (let w = 0; w <= warmup; w++) {
      const b = next();
      const g = vg(params, b.x, b.y).grad;
      const r = opt.step(params, g, state, ctx());
      pos++;
      if (w === warmup) return ravel(r.params).map((v, i) => v - theta[i]);
      state = r.state;
    }
    throw new Error("unreachable");
  };
  const enumerable =
    warmup === 0 && !noisy && cfg.name !== "entropy-sgd" ? enumerateBatches(N, batchSize, replacement) : null;
  let enumerated: { x: Tensor; y: Tensor }[] | null = null;
  return {
    kind: "step",
    enumerable: enumerable !== null,
    eta: cfg.lr,
    deterministic: fullBatch && !noisy,
    description:
      `${cfg.name} (lr ${cfg.lr}${cfg.name === "sgd" && cfg.momentum ? `, momentum ${cfg.momentum}` : ""}), ` +
      (fullBatch ? "full batch" : `batch ${batchSize} ${replacement ? "with" : "without"} replacement`) +
      (warmup ? `, state warmed by ${warmup} frozen-point updates` : ""),
    displacement: (theta, stream) => run(theta, stream),
    allDisplacements: (theta) => {
      if (!enumerable) return null;
      enumerated ??= enumerable.map((idx) => ({ x: takeRows(x, idx), y: takeRows(y, idx) }));
      return enumerated.map((b) => run(theta, [0, 0], b));
    },
    lossAndGrad,
  };
}
