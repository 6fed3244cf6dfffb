/** Adam and AdamW against hand-computed steps of torch 1.13's formulas, and torch's own numbers. */
import { test } from "node:test";
import { adam, adamw } from "../../src/optim/adam.ts";
import * as W from "../../bench/workloads.ts";
import type { TransformerParams } from "../../src/nn/families/transformer.ts";
import type { Tree } from "../../src/core/tree.ts";
import { assertAllClose, assertClose } from "../core/helpers.ts";
import { run } from "./helpers.ts";

const eps = 1e-8;

test("Adam, two steps by hand: bias-corrected moments", () => {
  const [s1, s2] = run(adam(), [1], [[0.5], [-1]]);
  // t=1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25
  const t1 = 1 - ((0.1 / 0.1) * 0.05) / (Math.sqrt(0.00025) / Math.sqrt(0.001) + eps);
  assertClose(s1[0], t1, 1e-15, "step 1");
  assertClose(s1[0], 0.9, 1e-7, "first Adam step ≈ lr·sign(g)");
  // t=2: m = 0.045 − 0.1 = −0.055, v = 0.999·0.00025 + 0.001 = 0.00124975
  const t2 = t1 - ((0.1 / (1 - 0.81)) * -0.055) / (Math.sqrt(0.00124975) / Math.sqrt(1 - 0.998001) + eps);
  assertClose(s2[0], t2, 1e-14, "step 2");
});

test("Adam's weight decay is L2 (added to the gradient)", () => {
  const [s1] = run(adam({ weightDecay: 0.1 }), [1], [[0.5]]);
  // g' = 0.5 + 0.1·1 = 0.6: m̂ = 0.6, v̂ = 0.36
  assertClose(s1[0], 1 - (0.1 * 0.06) / 0.1 / (Math.sqrt(0.36 * 0.001) / Math.sqrt(0.001) + eps), 1e-15, "step 1");
});

test("AdamW decays the weights first, θ(1 − lr·λ), then takes the Adam step", () => {
  const [s1, s2] = run(adamw({ weightDecay: 0.1 }), [1], [[0.5], [-1]]);
  const t1 = 1 * (1 - 0.01) - ((0.05 / 0.1) * 0.1) / (Math.sqrt(0.00025 / 0.001) + eps);
  assertClose(s1[0], t1, 1e-15, "step 1");
  const t2 = t1 * 0.99 - ((0.1 / 0.19) * -0.055) / (Math.sqrt(0.00124975) / Math.sqrt(0.001999) + eps);
  assertClose(s2[0], t2, 1e-14, "step 2");
});

test("custom betas and eps enter the formula", () => {
  const [s1] = run(adam({ betas: [0.5, 0.9], eps: 0.1 }), [0], [[2]], { lr: 1 });
  // m = 1, v = 0.4; m̂ = 2, v̂ = 4: θ = −2/(2 + 0.1)
  assertAllClose(s1, [-2 / 2.1], 1e-15, "step 1");
});

test("torch cross-check: AdamW (torch 1.13 defaults, wd 0.01) on the transformer block, loss after two steps", () => {
  const vg = W.transformerLoss();
  const opt = adamw();
  let p: Tree = W.transformerParams();
  let s = opt.init(p);
  for (let i = 0; i < 2; i++) ({ params: p, state: s } = opt.step(p, vg(p as TransformerParams).grad, s, { lr: 1e-3 }));
  assertClose(vg(p as TransformerParams).value.item(), 4.647159312144617, 1e-9, "L3");
});
