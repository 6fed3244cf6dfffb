/**
 * Compiled per-sample gradients (docs/performance.md §compiled-per-sample-gradients) against the eager
 * `perSampleGrads`: the loop form bit for bit, the batched form within 1e-13 of each leaf's largest
 * entry (measured ≤ 2.2e-15 on the 784-256-256-10 network); and, as an independent oracle, the sum
 * over samples against n × the gradient of the batch's mean loss.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../src/core/tensor.ts";
import { perSampleGrads } from "../../src/core/autodiff.ts";
import { key } from "../../src/core/random.ts";
import { leaves } from "../../src/core/tree.ts";
import { init, apply, type MlpConfig, type MlpParams } from "../../src/nn/families/mlp.ts";
import { lossFn, type LossName } from "../../src/nn/losses.ts";
import { compileMlpGrad, compilePerSampleGrads, type PerSampleForm } from "../../src/compiled/index.ts";
import { InputError } from "../../src/errors.ts";
import { assertBitEqual, batch, caseName, cfgOf, type NetCase } from "./helpers.ts";

/** The stated bound of the batched form: |Δ| ≤ BOUND · max |entry| of the leaf (losses: of |L_i|). */
const BOUND = 1e-13;

function eager(cfg: MlpConfig, loss: LossName, params: MlpParams, x: Tensor, t: Tensor) {
  const f = (p: MlpParams, xi: Tensor, ti: Tensor) => lossFn(loss)(apply(p, xi, cfg), ti);
  const { values, grads } = perSampleGrads(f, params, x, t);
  return { values, grads: leaves(grads).map((g) => g.data) };
}

const maxAbs = (a: Float64Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

function assertWithin(a: Float64Array, b: Float64Array, scale: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= BOUND * scale)) assert.fail(`${what}[${i}]: batched ${a[i]} vs eager ${b[i]} (scale ${scale})`);
  }
}

const SMALL: number[][] = [
  [5, 7, 6, 3],
  [4, 9, 2],
];
const CASES: NetCase[] = [];
for (const act of ["relu", "tanh", "identity"])
  for (const loss of ["xent", "mse"] as const)
    for (const bias of [true, false])
      for (const rows of [1, 3, 32]) CASES.push({ sizes: SMALL[CASES.length % 2], act, bias, loss, rows });
// Large enough for the products to leave the plain kernel (BLAS or WebAssembly when present).
CASES.push({ sizes: [100, 64, 48, 10], act: "relu", bias: true, loss: "xent", rows: 32 });
CASES.push({ sizes: [100, 64, 48, 10], act: "tanh", bias: true, loss: "mse", rows: 3 });

for (const c of CASES) {
  test(`per-sample gradients, loop bit for bit and batched within 1e-13 of eager perSampleGrads: ${caseName(c)}`, () => {
    const cfg = cfgOf(c.sizes, c.act, c.bias);
    const params = init(key(11), cfg);
    const pl = leaves(params).map((p) => p.data);
    const loop = compilePerSampleGrads(cfg, c.loss, c.rows);
    const batched = compilePerSampleGrads(cfg, c.loss, c.rows, { form: "batched" });
    assert.equal(loop.form, "loop");
    for (let trial = 0; trial < 2; trial++) {
      // Two batches through the same plans: nothing carries over from one run to the next.
      const { x, t } = batch(200 + trial, c.rows, cfg, c.loss);
      const e = eager(cfg, c.loss, params, x, t);
      const out = loop.run(pl, x.data, t.data);
      assert.equal(out, loop.grads);
      e.grads.forEach((g, j) => assertBitEqual(out[j], g, `trial ${trial} loop leaf ${j}`));
      assertBitEqual(loop.values, e.values, `trial ${trial} loop losses`);
      // Caller-given outputs, filled with NaN first: every entry is written.
      const given = e.grads.map((g) => new Float64Array(g.length).fill(NaN));
      const b = batched.run(pl, x.data, t.data, given);
      assert.equal(b, given);
      e.grads.forEach((g, j) => assertWithin(b[j], g, maxAbs(g), `trial ${trial} batched leaf ${j}`));
      assertWithin(batched.values, e.values, maxAbs(e.values), `trial ${trial} batched losses`);
    }
  });
}

test("per-sample gradients of the 784-256-256-10 relu network: loop bit for bit, batched within 1e-13", () => {
  const cfg = cfgOf([784, 256, 256, 10], "relu");
  const params = init(key(5), cfg);
  const pl = leaves(params).map((p) => p.data);
  const { x, t } = batch(9, 32, cfg, "xent");
  const e = eager(cfg, "xent", params, x, t);
  const loop = compilePerSampleGrads(cfg, "xent", 32).run(pl, x.data, t.data);
  e.grads.forEach((g, j) => assertBitEqual(loop[j], g, `loop leaf ${j}`));
  const batched = compilePerSampleGrads(cfg, "xent", 32, { form: "batched" }).run(pl, x.data, t.data);
  e.grads.forEach((g, j) => assertWithin(batched[j], g, maxAbs(g), `batched leaf ${j}`));
});

for (const form of ["loop", "batched"] as PerSampleForm[]) {
  for (const [act, loss] of [
    ["relu", "xent"],
    ["tanh", "mse"],
    ["identity", "xent"],
  ] as const) {
    test(`per-sample gradients (${form}, ${act}, ${loss}) sum to n × the gradient of the mean loss`, () => {
      // Independent of perSampleGrads: the batch's loss is the mean of the samples' own losses
      // (CE: mean over rows; MSE: mean over rows × outputs), so Σ_i g_i = n ∇(mean loss).
      const n = 12;
      const cfg = cfgOf([6, 8, 5, 4], act);
      const params = init(key(21), cfg);
      const pl = leaves(params).map((p) => p.data);
      const { x, t } = batch(300, n, cfg, loss);
      const plan = compilePerSampleGrads(cfg, loss, n, { form });
      const per = plan.run(pl, x.data, t.data);
      const whole = compileMlpGrad(cfg, loss, n);
      const mean = whole.run(pl, x.data, t.data);
      const total = plan.values.reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(total - n * mean) <= 1e-13 * Math.abs(n * mean), `Σ L_i ${total} vs n·L ${n * mean}`);
      whole.grads.forEach((g, j) => {
        const sum = new Float64Array(g.length);
        for (let i = 0; i < per[j].length; i++) sum[i % g.length] += per[j][i];
        const scale = n * maxAbs(g);
        for (let i = 0; i < g.length; i++) {
          if (!(Math.abs(sum[i] - n * g[i]) <= 1e-13 * scale))
            assert.fail(`leaf ${j}[${i}]: Σ g_i ${sum[i]} vs ${n * g[i]}`);
        }
      });
    });
  }
}

test("compilePerSampleGrads rejects what it cannot compile or run with an InputError", () => {
  const cfg = cfgOf([3, 4, 2], "relu");
  const pl = leaves(init(key(1), cfg)).map((p) => p.data);
  assert.throws(() => compilePerSampleGrads(cfgOf([3, 4, 2], "gelu"), "xent", 2), InputError);
  assert.throws(() => compilePerSampleGrads(cfg, "xent", 0), InputError);
  assert.throws(() => compilePerSampleGrads(cfg, "xent", 2, { form: "vmap" as PerSampleForm }), InputError);
  const plan = compilePerSampleGrads(cfg, "xent", 2);
  const x = new Float64Array(6),
    t = new Float64Array([0, 1]);
  assert.throws(() => plan.run(pl, new Float64Array(5), t), InputError);
  assert.throws(() => plan.run(pl, x, new Float64Array(3)), InputError);
  assert.throws(() => plan.run(pl, x, t, [new Float64Array(24)]), InputError);
  assert.throws(() => plan.run(pl.slice(1), x, t), InputError);
});
