/**
 * The compiled Hessian-vector product (docs/performance.md §compiled-step) against the eager
 * reverse-over-reverse `hvp`: same loss bit for bit, H·v to rounding — every component within
 * 1e-14 of the largest |(Hv)ᵢ| (a different but equally exact sum of the same terms; measured here:
 * at most 3e-16).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { hvp } from "../../src/core/autodiff.ts";
import { key, foldIn, normal } from "../../src/core/random.ts";
import { leaves, unflatten } from "../../src/core/tree.ts";
import { init, apply, type MlpParams } from "../../src/nn/families/mlp.ts";
import { lossFn } from "../../src/nn/losses.ts";
import { compileMlpHvp } from "../../src/compiled/index.ts";
import { InputError } from "../../src/errors.ts";
import { batch, caseName, cfgOf, type NetCase } from "./helpers.ts";

const REL = 1e-14;

const CASES: NetCase[] = [
  { sizes: [5, 7, 6, 3], act: "tanh", bias: true, loss: "xent", rows: 9 },
  { sizes: [5, 7, 6, 3], act: "tanh", bias: false, loss: "mse", rows: 9 },
  { sizes: [5, 7, 6, 3], act: "relu", bias: true, loss: "xent", rows: 8 },
  { sizes: [4, 6, 2], act: "identity", bias: true, loss: "mse", rows: 1 },
  { sizes: [3, 4], act: "tanh", bias: true, loss: "xent", rows: 5 },
  // The mlp-medium-hvp shape, narrower: products large enough to leave the plain kernel.
  { sizes: [784, 64, 64, 10], act: "tanh", bias: true, loss: "xent", rows: 128 },
];

for (const c of CASES) {
  test(`compiled H·v agrees with the eager hvp to ${REL} of its largest entry: ${caseName(c)}`, () => {
    const cfg = cfgOf(c.sizes, c.act, c.bias);
    const params = init(key(2), cfg);
    const plan = compileMlpHvp(cfg, c.loss, c.rows);
    const f = (p: MlpParams, x: Tensor, t: Tensor) => lossFn(c.loss)(apply(p, x, cfg), t);
    const pl = leaves(params).map((t) => t.data);
    for (let trial = 0; trial < 2; trial++) {
      const { x, t } = batch(50 + trial, c.rows, cfg, c.loss);
      const v = unflatten(
        params,
        leaves(params).map((p, j) => normal(foldIn(key(60 + trial), j), p.shape)),
      );
      const eager = hvp(f)(params, v, x, t);
      const value = plan.run(
        pl,
        leaves(v).map((u) => u.data),
        x.data,
        t.data,
      );
      assert.ok(Object.is(value, eager.value.item()), `loss ${value} vs ${eager.value.item()}`);
      const want = leaves(eager.hvp);
      let scale = 0;
      for (const w of want) for (const u of w.data) scale = Math.max(scale, Math.abs(u));
      assert.ok(scale > 0);
      want.forEach((w, j) => {
        const got = plan.hvp[j];
        for (let i = 0; i < got.length; i++) {
          const err = Math.abs(got[i] - w.data[i]);
          if (!(err <= REL * scale)) assert.fail(`Hv leaf ${j}[${i}]: ${got[i]} vs ${w.data[i]} (scale ${scale})`);
        }
      });
    }
  });
}

test("a direction with the wrong leaves is an input error", () => {
  const cfg = cfgOf([3, 4, 2], "tanh");
  const plan = compileMlpHvp(cfg, "mse", 2);
  const p = leaves(init(key(0), cfg)).map((t) => t.data);
  assert.throws(
    () => plan.run(p, p.slice(1), new Float64Array(6), new Float64Array(4)),
    (e: unknown) => e instanceof InputError,
  );
});
