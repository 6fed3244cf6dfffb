/**
 * compileGradAt (docs/performance.md §compiled-step) in an inner loop: Entropy-SGD's Langevin loop
 * on the sgld-inner workload gives the same iterates with the compiled gradient as with the eager
 * one, bit for bit, noise included.
 */
import { test } from "node:test";
import { grad } from "../../src/core/autodiff.ts";
import { key } from "../../src/core/random.ts";
import type { Tree } from "../../src/core/tree.ts";
import type { MlpParams } from "../../src/nn/families/mlp.ts";
import { entropySgdInner } from "../../src/optim/entropySgd.ts";
import { compileGradAt } from "../../src/compiled/index.ts";
import * as W from "../../bench/workloads.ts";
import { assertTreesBitEqual } from "./helpers.ts";

test("the compiled gradient equals grad() and drives the Langevin loop to the same iterates", () => {
  const { Xs, Ts, loss } = W.sgldData();
  const x = W.tinyParams();
  const eager = (p: Tree): Tree => grad(loss)(p as MlpParams);
  const compiled = compileGradAt(W.tinyCfg, "mse", Xs, Ts);
  assertTreesBitEqual(compiled(x), eager(x), "gradient at x");
  // A parameter tree with its keys in another order is read by name.
  const reordered = { fc2: x.fc2, fc0: x.fc0, fc1: x.fc1 } as MlpParams;
  assertTreesBitEqual(compiled(reordered), eager(x), "gradient, keys reordered");
  const { eta, gamma, alpha, steps, beta } = W.sgldConst;
  const o = { innerLr: eta, innerSteps: steps, gamma: 1 / gamma, gammaScoping: 0, alpha, beta };
  const k = key(5);
  const a = entropySgdInner(x, eager(x), eager, k, o, 1 / gamma);
  const g0 = compiled(x);
  const b = entropySgdInner(x, g0, compiled, k, o, 1 / gamma);
  assertTreesBitEqual(b.y, a.y, "y_L");
  assertTreesBitEqual(b.mu, a.mu, "μ_L");
});
