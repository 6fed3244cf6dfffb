/**
 * Drift fields of real (tiny) networks on a chart of the quotient (docs/gradient-field.md
 * §coordinates, §noether), against exact statements:
 * - the frame's Q = (Dφᵀ)⁺T satisfies Dφᵀq = P_H t, with P_H the group's horizontal projector;
 * - gradient flow in the induced metric is an exact gradient (asymmetry at rounding level), while
 *   the Euclidean-invariant field is not; SGD's raw field is a per-batch gradient (CRN circulation
 *   at rounding level on a smooth network);
 * - Noether charges: per SGD step ΔQ = Q(d) exactly (no first-order part), and the drift over a
 *   fixed training time scales like η; Adam's update has a vertical part (first-order drift).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { unravel, ravel } from "../../src/core/tree.ts";
import { setupFamily } from "../../src/experiments/families.ts";
import {
  chargeDrift,
  chargeDriftScaling,
  circulationTest,
  invariantMap,
  jacobianAsymmetry,
  makeStepper,
  optimizerSpec,
  quotientDriftField,
} from "../../src/gradientfield/index.ts";
import { vjp } from "../../src/gradientfield/quotientFrame.ts";

const mlp = setupFamily("mlp", 3);
const phi = invariantMap(mlp.group, mlp.problem.template);

test("frame: Dφᵀ q_i equals the horizontal projection of the chart tangent t_i", () => {
  const field = quotientDriftField({
    chart: mlp.chart,
    stepper: makeStepper(mlp.problem, { kind: "flow" }),
    invariants: phi,
  });
  const s = Float64Array.of(0.2, -0.3);
  const f = field.frame(s);
  const P = mlp.group.horizontalProjector(unravel(mlp.problem.template, f.theta));
  f.T.forEach((t, i) => {
    const lhs = vjp(f.J!, f.Q![i]);
    const rhs = P.projectFlat(t);
    const err = Math.max(...lhs.map((v, j) => Math.abs(v - rhs[j])));
    assert.ok(err < 1e-9, `tangent ${i}: ${err}`);
  });
});

test("network gradient flow: induced-metric field is an exact gradient, the Euclidean-invariant one is not", () => {
  const field = quotientDriftField({
    chart: mlp.chart,
    stepper: makeStepper(mlp.problem, { kind: "flow" }),
    invariants: phi,
  });
  const r = jacobianAsymmetry(field, Float64Array.of(0.3, 0.2), { h: 1e-4 });
  const by = Object.fromEntries(r.map((x) => [x.coordinates.name, x.asymmetry]));
  assert.ok(by["quotient-metric"] < 1e-8, `metric ${by["quotient-metric"]}`);
  assert.ok(by.raw < 1e-8, `raw ${by.raw}`);
  assert.ok(by["quotient-euclidean"] > 1e-3, `Euclidean ${by["quotient-euclidean"]}`);
});

test("smooth network: SGD's raw field is a per-batch gradient (CRN circulation at rounding level), the metric excess is not", () => {
  const tr = setupFamily("transformer", 1);
  const field = quotientDriftField({
    chart: tr.chart,
    stepper: makeStepper(tr.problem, tr.training),
    invariants: invariantMap(tr.group, tr.problem.template),
    coordinates: ["raw", "quotient-metric-excess"],
  });
  const [raw, excess] = circulationTest(
    field,
    { center: [0.4, 0.4], radius: 0.25, K: 16 },
    { replicates: 8, key: key(2) },
  );
  assert.equal(raw.test.p, 1);
  assert.ok(excess.test.p < 1e-3, `excess p = ${excess.test.p}`);
});

test("Noether: SGD changes the charges only at second order (ΔQ = Q(d)), drift ∝ η at fixed time; Adam drifts at first order", () => {
  const sgd = chargeDrift(mlp.group, mlp.problem, mlp.training, mlp.theta0, 50, key(4));
  assert.ok(sgd.firstOrder < 1e-12 * Math.max(1, sgd.secondOrder) + 1e-14, `first order ${sgd.firstOrder}`);
  assert.ok(Math.abs(sgd.drift - sgd.secondOrder) < 1e-12 + 1e-9 * sgd.drift, "the drift is the second-order sum");
  const s = chargeDriftScaling(mlp.group, mlp.problem, mlp.training, mlp.theta0, {
    etas: [0.04, 0.02, 0.01],
    time: 2,
    key: key(5),
  });
  assert.equal(s.scaling.order, "O(η)");
  assert.ok(Math.abs(s.scaling.exponent - 1) < 0.2, `exponent ${s.scaling.exponent}`);
  const adam = chargeDrift(
    mlp.group,
    mlp.problem,
    { kind: "step", optimizer: optimizerSpec({ name: "adam", lr: 0.01 }), batchSize: 8, replacement: false },
    mlp.theta0,
    50,
    key(4),
  );
  assert.ok(adam.firstOrder > 1e3 * sgd.firstOrder + 1e-8, `Adam first order ${adam.firstOrder}`);
});

test("stepper: exact means enumerate the batches; CRN streams reproduce the same update", () => {
  const st = makeStepper(mlp.problem, mlp.training);
  const a = st.displacement(mlp.theta0, key(9));
  const b = st.displacement(mlp.theta0, key(9));
  assert.deepEqual([...a], [...b]);
  assert.equal(st.enumerable, false, "C(64, 8) batches are not enumerated");
  const flow = makeStepper(mlp.problem, { kind: "flow" });
  const g = flow.lossAndGrad(mlp.theta0).grad;
  assert.deepEqual([...flow.displacement(mlp.theta0, key(0))], [...g.map((v) => -v)]);
  assert.equal(ravel(mlp.problem.template).length, mlp.theta0.length);
});
