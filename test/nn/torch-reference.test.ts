/**
 * Cross-check against an independent float64 implementation: the PyTorch 1.13 reference values of
 * the shared benchmark workloads (gradients, exact HVPs, per-sample gradients, a transformer
 * block), reproduced to 1e-9 relative from the same bit-exact initialisation.
 */
import { test } from "node:test";
import { Tensor } from "../../src/core/tensor.ts";
import { valueAndGrad } from "../../src/core/autodiff.ts";
import { type Tree, zipTrees, treeDot, ravel } from "../../src/core/tree.ts";
import * as W from "../../bench/workloads.ts";
import type { MlpParams } from "../../src/nn/families/mlp.ts";
import { assertClose } from "../core/helpers.ts";

function expectCheck(name: string, got: number[], want: number[]): void {
  got.forEach((g, i) => assertClose(g, want[i], 1e-9, `${name} check[${i}]`));
}

test("tiny-grad: value, Σg² and ⟨g, θ⟩ of the 2-32-32-1 tanh MLP match torch", () => {
  expectCheck("tiny-grad", W.tinyGrad().check(), [-0.22605478923691874, 1.790459945607912, -0.6400279352774803]);
});

test("mlp-small-step: loss, gradient norm and loss after two SGD steps match torch", () => {
  expectCheck("mlp-small-step", W.mlpStep(64).check(), [2.288918313302543, 0.09999966613707482, 2.2869533695839968]);
});

test("mlp-medium-step matches torch", () => {
  expectCheck("mlp-medium-step", W.mlpStep(256).check(), [2.3068023015602432, 0.1271774783574459, 2.304287430285261]);
});

test("mlp-medium-hvp: the exact Hessian-vector product matches torch's double backward", () => {
  expectCheck("mlp-medium-hvp", W.mlpMediumHvp().check(), [2.31006180811029, 13.177377693673167, 363.00739246896956]);
});

test("per-sample gradients of the medium MLP match torch (loop and vmap agree there)", () => {
  expectCheck("persample", W.persampleMedium().check(), [73.46167199202752, 352.00827585819377, -0.134324114119014]);
});

test("transformer block: loss and gradient norm match torch", () => {
  const { value, grad } = W.transformerLoss()(W.transformerParams());
  expectCheck("transformer-step", [value.item(), W.sumSq(grad)], [4.768019802947667, 0.2554130161453394]);
});

test("Entropy-SGD inner loop without noise matches torch", () => {
  const { eta, gamma, alpha, steps } = W.sgldConst;
  const { loss } = W.sgldData();
  const x = W.tinyParams();
  const vg = valueAndGrad((p: Tree) => loss(p as MlpParams));
  let y: Tree = x;
  let mu: Tree = x;
  for (let s = 0; s < steps; s++) {
    const g: Tree = vg(y).grad;
    y = zipTrees(
      [y, g, x],
      ([yi, gi, xi]) =>
        new Tensor(
          yi.data.map((v, i) => v - eta * (gi.data[i] + (v - xi.data[i]) / gamma)),
          yi.shape,
        ),
    );
    mu = zipTrees(
      [mu, y],
      ([m, yi]) =>
        new Tensor(
          m.data.map((v, i) => (1 - alpha) * v + alpha * yi.data[i]),
          m.shape,
        ),
    );
  }
  const d = zipTrees(
    [y, x],
    ([a, b]) =>
      new Tensor(
        a.data.map((v, i) => v - b.data[i]),
        a.shape,
      ),
  );
  const got = [vg(x).value.item(), vg(y).value.item(), treeDot(d, d), ravel(mu).reduce((s, v) => s + v, 0)];
  expectCheck("sgld-inner", got, [0.36019944156240874, 0.338860936997371, 0.0017476569599301625, 6.293678858215442]);
});
