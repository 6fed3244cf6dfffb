/**
 * The compiled transformer gradient (docs/performance.md §compiled-transformer) against the eager
 * path: loss and every leaf of ∇θ of valueAndGrad, bit for bit, over heads, widths, sequence
 * lengths, masks, norms, readouts, activations, losses, depths and batch sizes (1 included).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { namedLeaves } from "../../src/core/tree.ts";
import { init, type TransformerConfig } from "../../src/nn/families/transformer.ts";
import type { LossName } from "../../src/nn/losses.ts";
import { compileTransformerGrad, transformerLeafArrays, transformerLeafNames } from "../../src/compiled/index.ts";
import { InputError } from "../../src/errors.ts";
import { assertBitEqual } from "./helpers.ts";
import { eagerTrVg, trBatch, trCfg, trParams } from "./transformerHelpers.ts";

interface TrCase {
  cfg: Partial<TransformerConfig>;
  loss: LossName;
  N: number;
  T: number;
}

const CASES: TrCase[] = [
  { cfg: {}, loss: "xent", N: 5, T: 4 },
  { cfg: {}, loss: "xent", N: 1, T: 4 },
  { cfg: {}, loss: "xent", N: 3, T: 2 },
  { cfg: {}, loss: "xent", N: 4, T: 1 },
  { cfg: { causal: false }, loss: "xent", N: 6, T: 3 },
  { cfg: { heads: 4, dHead: 3, d: 12 }, loss: "xent", N: 7, T: 4 },
  { cfg: { heads: 1, dHead: 16, d: 16, seq: 6 }, loss: "xent", N: 3, T: 6 },
  { cfg: { layers: 2 }, loss: "xent", N: 4, T: 3 },
  { cfg: { layers: 0 }, loss: "xent", N: 4, T: 3 },
  { cfg: { norm: "none", layers: 2 }, loss: "xent", N: 4, T: 4 },
  { cfg: { readout: "all" }, loss: "xent", N: 3, T: 4 },
  { cfg: { activation: "tanh" }, loss: "mse", N: 5, T: 3 },
  { cfg: { activation: "identity", readout: "all" }, loss: "mse", N: 2, T: 4 },
  // The bench shape (d 64, 4 heads of 16, MLP 256, vocabulary 99, length 3) at a smaller batch:
  // its products leave the plain kernel for BLAS or WebAssembly where present.
  { cfg: { vocab: 99, seq: 3, d: 64, heads: 4, dHead: 16, mlp: 256 }, loss: "xent", N: 48, T: 3 },
];

const name = (c: TrCase) => `${JSON.stringify(c.cfg)} ${c.loss} N=${c.N} T=${c.T}`;

for (const c of CASES) {
  test(`compiled transformer loss and gradient equal valueAndGrad bit for bit: ${name(c)}`, () => {
    const cfg = trCfg(c.cfg);
    const params = trParams(cfg);
    const plan = compileTransformerGrad(cfg, c.loss, c.N, c.T);
    const vg = eagerTrVg(cfg, c.loss);
    const names = transformerLeafNames(cfg);
    for (let trial = 0; trial < 2; trial++) {
      // Two batches through one plan: its reused buffers carry nothing from one run to the next.
      const { tok, t } = trBatch(50 + trial, cfg, c.loss, c.N, c.T);
      const eager = vg(params, tok, t);
      const value = plan.run(transformerLeafArrays(cfg, params), tok.data, t.data);
      assert.ok(Object.is(value, eager.value.item()), `loss: compiled ${value} vs eager ${eager.value.item()}`);
      const eagerGrads = namedLeaves(eager.grad);
      assert.equal(eagerGrads.length, names.length);
      for (const [n, g] of eagerGrads) assertBitEqual(plan.grads[names.indexOf(n)], g.data, `trial ${trial} ${n}`);
    }
  });
}

test("the compiled transformer leaf order is the parameter tree's (state_dict) order", () => {
  for (const c of [{}, { norm: "none" as const, layers: 2 }]) {
    const cfg = trCfg(c);
    assert.deepEqual(
      transformerLeafNames(cfg),
      namedLeaves(init(key(1), cfg)).map(([n]) => n),
    );
  }
});

test("configs and inputs without a compiled form are InputErrors that say why", () => {
  assert.throws(() => compileTransformerGrad(trCfg({ activation: "gelu" }), "xent", 2, 2), InputError);
  assert.throws(() => compileTransformerGrad(trCfg({}), "xent", 2, 5), /sequence length 5/);
  const cfg = trCfg({});
  const plan = compileTransformerGrad(cfg, "xent", 2, 2);
  const p = transformerLeafArrays(cfg, init(key(1), cfg));
  assert.throws(() => plan.run(p, Float64Array.of(1, 2, 3, 11), Float64Array.of(0, 1)), /token 11/);
  assert.throws(() => plan.run(p, Float64Array.of(1, 2, 3), Float64Array.of(0, 1)), InputError);
  assert.throws(() => plan.run(p, Float64Array.of(1, 2, 3, 4), Float64Array.of(0)), InputError);
});
