/** Shared pieces of the compiled-step tests: seeded batches, configs, bit-for-bit comparisons. */
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { key, foldIn, uniform, randint, normal } from "../../src/core/random.ts";
import { type Tree, leaves } from "../../src/core/tree.ts";
import { mlpConfig, type MlpConfig } from "../../src/nn/families/mlp.ts";
import type { LossName } from "../../src/nn/losses.ts";
import type { Optimizer, OptState } from "../../src/optim/types.ts";

/** A network case: layer sizes, activation, bias, loss and batch size. */
export interface NetCase {
  sizes: number[];
  act: string;
  bias: boolean;
  loss: LossName;
  rows: number;
}

export const cfgOf = (sizes: number[], activation: string, bias = true): MlpConfig =>
  mlpConfig.parse({ arch: "mlp", sizes, activation, bias });

export const caseName = (c: NetCase): string => `${c.sizes.join("-")} ${c.act} bias=${c.bias} ${c.loss} rows=${c.rows}`;

/** A seeded batch: inputs uniform in [−1, 1), targets class labels (xent) or normal values (mse). */
export function batch(seed: number, rows: number, cfg: MlpConfig, loss: LossName): { x: Tensor; t: Tensor } {
  const k = key(seed);
  const x = uniform(foldIn(k, 0), [rows, cfg.sizes[0]], -1, 1);
  const C = cfg.sizes[cfg.sizes.length - 1];
  const t =
    loss === "xent"
      ? new Tensor(Float64Array.from(randint(foldIn(k, 1), rows, 0, C)), [rows])
      : normal(foldIn(k, 1), [rows, C]);
  return { x, t };
}

/** Exact equality of every element (NaN equal to NaN, −0 distinct from +0). */
export function assertBitEqual(a: Float64Array, b: Float64Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: compiled ${a[i]} vs eager ${b[i]}`);
  }
}

export function assertTreesBitEqual(a: Tree, b: Tree, what: string): void {
  const la = leaves(a),
    lb = leaves(b);
  assert.equal(la.length, lb.length);
  la.forEach((t, j) => assertBitEqual(t.data, lb[j].data, `${what} leaf ${j}`));
}

/** The eager training step: valueAndGrad (vg), then optimizer.step (a new tree per step). */
export function eagerSteps<P extends Tree>(
  vg: (p: P, x: Tensor, t: Tensor) => { value: Tensor; grad: Tree },
  opt: Optimizer,
  params: P,
) {
  let p: Tree = params;
  let s: OptState = opt.init(params);
  return {
    step(x: Tensor, t: Tensor, lr: number): number {
      const r = vg(p as P, x, t);
      const out = opt.step(p, r.grad, s, { lr });
      p = out.params;
      s = out.state;
      return r.value.item();
    },
    get params() {
      return p;
    },
    get state() {
      return s;
    },
  };
}
