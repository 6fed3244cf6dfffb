/**
 * docs/gradient-field.md §neuron: the one-ReLU-neuron numbers, through the general machinery
 * (library model, autodiff gradients, the group's invariants, CGLS for the metric):
 * - the induced velocity equals −M_c∇ℓ and the metric field equals −∇ℓ (closed forms);
 * - Euclidean asymmetry of gradient flow 0.156 / 0.121 / 0.083 for c = 0.4 / 0 / −0.5 (max over
 *   three points), metric-corrected ≤ 5e-12;
 * - metric-corrected exact mean SGD drift (batch 2 of 8, without replacement): asymmetry
 *   2.29e-3, 1.05e-3, 5.07e-4, 2.49e-4 for η = .1 … .0125, i.e. O(η);
 * - circulation at η = 1e-3 (K = 64, R = 400): Euclidean −0.150 ± 0.0085-sized, metric
 *   −1.02e-3 ± 6.5e-5-sized, both consistent with the exact E[C];
 * - Helmholtz–Hodge fractions 1.6e-4 (Euclidean gradient flow), ~0 (exact gradient), 1.5e-2
 *   (metric-corrected mean SGD at η = 0.2).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import {
  circulationTest,
  etaScaling,
  hodgeTest,
  jacobianAsymmetry,
  uniformGrid,
  neuron,
} from "../../src/gradientfield/index.ts";

const flow = neuron.neuronFlowField;
const sgdField = neuron.neuronSgdField;
const v0 = Float64Array.of(0.7, 0.3);
const points = [v0, Float64Array.of(0.9, 0.1), Float64Array.of(0.6, 0.5)];
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("neuron: the chart lifts v at fixed c, and the induced fields are −M_c∇ℓ (Euclidean) and −∇ℓ (metric)", () => {
  for (const c of [0.4, 0, -0.5]) {
    const f = flow(c);
    for (const v of points) {
      const th = f.frame(v).theta;
      assert.ok(Math.abs(th[0] ** 2 + th[1] ** 2 - th[2] ** 2 - c) < 1e-14, "charge");
      assert.ok(Math.abs(th[2] * th[0] - v[0]) < 1e-15 && Math.abs(th[2] * th[1] - v[1]) < 1e-15, "invariants");
      const [raw, eu, me] = f.sample(v, key(0));
      const g = neuron.quotientLossGrad(v);
      const M = neuron.inducedMetricInverse(v, c);
      const Mg = [M[0] * g[0] + M[1] * g[1], M[2] * g[0] + M[3] * g[1]];
      for (let i = 0; i < 2; i++) {
        assert.ok(Math.abs(eu[i] + Mg[i]) < 1e-12, `Euclidean ${eu[i]} vs ${-Mg[i]}`);
        assert.ok(Math.abs(me[i] + g[i]) < 1e-12, `metric ${me[i]} vs ${-g[i]}`);
        assert.ok(Math.abs(raw[i] + g[i]) < 1e-12, "the chart pulls the raw gradient back to ∇ℓ");
      }
    }
  }
});

test("neuron: Euclidean asymmetry of gradient flow 0.156 / 0.121 / 0.083; metric-corrected ≤ 5e-12", () => {
  const expected: [number, number][] = [
    [0.4, 0.156],
    [0, 0.1212],
    [-0.5, 0.0826],
  ];
  for (const [c, want] of expected) {
    const rs = points.map((p) => jacobianAsymmetry(flow(c), p, { h: 1e-5 }));
    const eu = Math.max(...rs.map((r) => r[1].asymmetry));
    const me = Math.max(...rs.map((r) => r[2].asymmetry));
    assert.ok(rel(eu, want) < 0.003, `c = ${c}: ${eu}`);
    assert.ok(me <= 5e-11, `c = ${c}: metric ${me}`);
    assert.equal(rs[0][1].coordinates.name, "quotient-euclidean");
  }
});

test("neuron: metric-corrected mean SGD drift has O(η) asymmetry 2.29e-3, 1.05e-3, 5.07e-4, 2.49e-4", () => {
  const etas = [0.1, 0.05, 0.025, 0.0125];
  const want = [2.2857e-3, 1.0536e-3, 5.0698e-4, 2.4881e-4];
  const got = etas.map((eta) => jacobianAsymmetry(sgdField(eta), v0, { h: 1e-4, exact: true })[2].asymmetry);
  got.forEach((g, i) => assert.ok(rel(g, want[i]) < 1e-3, `η = ${etas[i]}: ${g}`));
  const s = etaScaling(etas, got);
  assert.equal(s.order, "O(η)");
  assert.ok(s.exponent > 1 && s.exponent < 1.1, `exponent ${s.exponent}`);
  // The Euclidean field keeps its O(1) curl as η → 0.
  const eu = etas.map(
    (eta) => jacobianAsymmetry(sgdField(eta), Float64Array.of(0.6, 0.5), { h: 1e-4, exact: true })[1].asymmetry,
  );
  assert.equal(etaScaling(etas, eu).order, "O(1)");
});

test("neuron: circulation at η = 1e-3, K = 64, R = 400 — Euclidean ≈ −0.155, metric ≈ −1.08e-3, both detected", () => {
  const r = circulationTest(
    sgdField(1e-3),
    { center: [1.0, 0.6], radius: 0.15, K: 64 },
    { replicates: 400, key: key(7) },
  );
  const [, eu, me] = r;
  assert.ok(Math.abs((eu.exact as number) + 0.15529) < 2e-5, `exact Euclidean ${eu.exact}`);
  assert.ok(Math.abs((me.exact as number) + 1.0832e-3) < 2e-7, `exact metric ${me.exact}`);
  for (const x of [eu, me]) {
    const z = (x.test.mean - (x.exact as number)) / x.test.stderr;
    assert.ok(Math.abs(z) < 3, `${x.coordinates.name}: z = ${z}`);
    assert.ok(x.test.p < 1e-30, `${x.coordinates.name}: p = ${x.test.p}`);
  }
  assert.ok(eu.test.stderr > 0.006 && eu.test.stderr < 0.011, `Euclidean stderr ${eu.test.stderr}`);
  assert.ok(me.test.stderr > 5e-5 && me.test.stderr < 8.5e-5, `metric stderr ${me.test.stderr}`);
  assert.ok(Math.abs(r[0].test.mean) < 1e-12, "raw coordinates: SGD's drift is the gradient of the batch loss");
});

test("neuron: Helmholtz–Hodge fractions 1.56e-4 (Euclidean GF), ~0 (metric GF), 1.51e-2 (metric mean SGD, η = 0.2)", () => {
  const gf = hodgeTest(flow(0.4), uniformGrid([0.8, 0.4], [1.2, 0.8], 41));
  assert.ok(rel(gf[1].fraction, 1.5646e-4) < 1e-3, `Euclidean ${gf[1].fraction}`);
  assert.ok(gf[2].fraction < 1e-20, `metric ${gf[2].fraction}`);
  const sgd = hodgeTest(sgdField(0.2), uniformGrid([0.8, 0.4], [1.2, 0.8], 21), { exact: true });
  assert.ok(rel(sgd[2].fraction, 1.5135e-2) < 1e-3, `metric SGD ${sgd[2].fraction}`);
});

test("neuron: gradient flow in the induced metric never rejects (deterministic, rounding floor)", () => {
  const r = circulationTest(flow(0.4), { center: [1.0, 0.6], radius: 0.15, K: 64 }, { replicates: 4, key: key(1) });
  assert.equal(r[2].test.p, 1);
  assert.ok(r[1].test.p === 0, "the Euclidean field's O(1) curl is deterministic and non-zero");
});
