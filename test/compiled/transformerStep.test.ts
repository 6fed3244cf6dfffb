/**
 * The compiled transformer step (docs/performance.md §compiled-transformer) against the eager
 * path: several steps of SGD, Adam and AdamW bit for bit, batch shapes changing between steps;
 * divergence recovery from a snapshot; `compiledValueAndGrad` and the training loop with
 * `compile: true` on a transformer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Tree, leaves } from "../../src/core/tree.ts";
import type { TransformerConfig, TransformerParams } from "../../src/nn/families/transformer.ts";
import type { LossName } from "../../src/nn/losses.ts";
import { adam, adamw, sgd } from "../../src/optim/index.ts";
import type { Optimizer } from "../../src/optim/types.ts";
import { compiledValueAndGrad, compileTransformerStep } from "../../src/compiled/index.ts";
import { InputError } from "../../src/errors.ts";
import { trainLoop } from "../../src/train/loop.ts";
import { prepareRun } from "../../src/train/setup.ts";
import { MemorySink, tinyConfig } from "../train/helpers.ts";
import { assertBitEqual, assertTreesBitEqual, eagerSteps } from "./helpers.ts";
import { eagerTrVg, trBatch, trCfg, trParams } from "./transformerHelpers.ts";

const eagerRun = (cfg: TransformerConfig, loss: LossName, opt: Optimizer, params: TransformerParams) =>
  eagerSteps(eagerTrVg(cfg, loss), opt, params);

const OPTIMIZERS: [string, () => Optimizer, number][] = [
  ["sgd momentum nesterov wd", () => sgd({ momentum: 0.9, nesterov: true, weightDecay: 1e-3 }), 0.05],
  ["adam wd", () => adam({ weightDecay: 0.01 }), 1e-2],
  ["adamw", () => adamw({ weightDecay: 0.01 }), 1e-2],
];

for (const [name, make, lr] of OPTIMIZERS) {
  test(`compileTransformerStep with ${name}: five steps ([N, T] = 6×4, 6×4, 1×4, 6×2, 6×4) equal the eager step bit for bit`, () => {
    const cfg = trCfg({ layers: 2 });
    const params = trParams(cfg);
    const before = leaves(params).map((t) => t.data.slice());
    const eager = eagerRun(cfg, "xent", make(), params);
    const compiled = compileTransformerStep({ model: cfg, loss: "xent", optimizer: make(), params });
    [
      [6, 4],
      [6, 4],
      [1, 4],
      [6, 2],
      [6, 4],
    ].forEach(([N, T], i) => {
      const { tok, t } = trBatch(200 + i, cfg, "xent", N, T);
      const le = eager.step(tok, t, lr);
      const lc = compiled.step(tok, t, lr);
      assert.ok(Object.is(lc, le), `step ${i + 1} loss: compiled ${lc} vs eager ${le}`);
      assertTreesBitEqual(compiled.params(), eager.params, `step ${i + 1} params`);
    });
    assert.equal(compiled.steps, 5);
    const cs = compiled.state(),
      es = eager.state;
    for (const k of Object.keys(es)) {
      const v = es[k];
      if (typeof v === "number") assert.equal(cs[k], v, `state ${k}`);
      else assertTreesBitEqual(cs[k] as Tree, v, `state ${k}`);
    }
    leaves(params).forEach((t, j) => assertBitEqual(t.data, before[j], "the caller's params are never written"));
  });
}

test("a diverging compiled transformer run skips the non-finite step and restores the last snapshot", () => {
  const cfg = trCfg({ norm: "none", activation: "identity" });
  const params = trParams(cfg);
  const compiled = compileTransformerStep({ model: cfg, loss: "mse", optimizer: sgd(), params, snapshotEvery: 2 });
  const eager = eagerRun(cfg, "mse", sgd(), params);
  const { tok, t } = trBatch(400, cfg, "mse", 4, 3);
  // Without norms, plain SGD at this learning rate blows up within a few steps.
  const losses: number[] = [];
  let atSnapshot: Tree | null = null;
  for (let i = 0; i < 200 && (losses.length === 0 || Number.isFinite(losses[losses.length - 1])); i++) {
    if (compiled.steps % 2 === 0) atSnapshot = compiled.params();
    losses.push(compiled.step(tok, t, 5));
  }
  const last = losses[losses.length - 1];
  assert.ok(!Number.isFinite(last), `the run diverged (last loss ${last})`);
  const applied = compiled.steps;
  assert.equal(applied, losses.length - 1, "the non-finite step was not applied");
  const back = compiled.restore();
  assert.equal(back, applied - (applied % 2));
  assertTreesBitEqual(compiled.params(), atSnapshot as Tree, "restored params");
  for (let i = 0; i < back; i++) eager.step(tok, t, 5);
  assertTreesBitEqual(compiled.params(), eager.params, "restored = eager at that step");
  assert.ok(Object.is(compiled.step(tok, t, 1e-3), eager.step(tok, t, 1e-3)));
});

test("compiledValueAndGrad on a transformer returns valueAndGrad's value and a fresh gradient tree, bit for bit", () => {
  const cfg = trCfg({ readout: "all" });
  const params = trParams(cfg);
  const vg = compiledValueAndGrad(cfg, "xent");
  for (const [N, T] of [
    [3, 4],
    [2, 3],
    [3, 4],
  ]) {
    const { tok, t } = trBatch(500 + N * T, cfg, "xent", N, T);
    const a = vg(params, tok, t),
      b = eagerTrVg(cfg, "xent")(params, tok, t);
    assert.ok(Object.is(a.value.item(), b.value.item()));
    assertTreesBitEqual(a.grad, b.grad, `gradient ${N}×${T}`);
  }
  assert.throws(
    () => compileTransformerStep({ model: trCfg({ activation: "gelu" }), loss: "xent", optimizer: sgd(), params }),
    (e: unknown) => e instanceof InputError && /activation "gelu"/.test(e.message),
  );
  assert.throws(
    () => compileTransformerStep({ model: trCfg({ d: 12 }), loss: "xent", optimizer: sgd(), params }),
    (e: unknown) => e instanceof InputError && /embed.weight must have shape \[11,12\]/.test(e.message),
  );
});

test("compile: true trains a transformer on the modular task exactly as the eager loop", async () => {
  const over = {
    model: { arch: "transformer" as const, vocab: 8, seq: 3, d: 8, heads: 2, dHead: 4, layers: 1, mlp: 16 },
    data: { name: "modular" as const, p: 7 },
    optimizer: { name: "adamw" as const, lr: 0.01 },
    steps: 8,
    batchSize: 6,
    evalEvery: 4,
  };
  const p = prepareRun(tinyConfig(over));
  const eager = new MemorySink(),
    compiled = new MemorySink();
  const a = await trainLoop(p.loopOptions(p.initialState(), { sink: eager }));
  const b = await trainLoop({ ...p.loopOptions(p.initialState(), { sink: compiled }), compile: true });
  assert.equal(b.status, a.status);
  assert.equal(b.state.step, 8);
  assert.deepEqual(compiled.records, eager.records);
  assertTreesBitEqual(b.state.params, a.state.params, "final params");
});
