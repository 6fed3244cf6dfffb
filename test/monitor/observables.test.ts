/**
 * The monitor's observables (docs/monitor.md §observables): every quotient observable is invariant
 * under random group elements while the raw ones move; charge drift is zero at the reference; and
 * warm-started Lanczos beats a cold start at equal cost on a slowly moving Hessian.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normal } from "../../src/core/random.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { denseMatrix, hessianOperator, symEig } from "../../src/curvature/index.ts";
import { groupOf } from "../../src/nn/index.ts";
import { mapTree, type Tree } from "../../src/core/tree.ts";
import { DEFAULT_OBSERVABLES, MONITOR_OBSERVABLES } from "../../src/monitor/observables.ts";
import { ObservableProbe } from "../../src/monitor/probe.ts";
import { allCases, makeCase } from "../symmetry/helpers.ts";

// Every family with continuous symmetries: rescaling (MLP), GL and layer norm (transformer), particles (mean field).
const CASES = allCases(2).filter((c) =>
  ["mlp relu (2 hidden layers)", "transformer layernorm relu", "meanfield relu"].includes(c.label),
);

for (const c of CASES) {
  const loss = c.loss;
  test(`monitor observables, ${c.label}: quotient values are unchanged by a random group element, raw ones move`, () => {
    const g = groupOf(c.cfg);
    const moved = g.act(c.params, g.randomElement(key(9), { logRange: 10 }));
    const names = DEFAULT_OBSERVABLES;
    const probe = (p: Tree) =>
      new ObservableProbe({ cfg: c.cfg, loss, x: c.x, y: c.y, names, key: key(4), hessianSteps: 12 }).measure(
        p,
        7,
        0.1,
      );
    const a = probe(c.params);
    const b = probe(moved);
    for (const [name, v] of Object.entries(a.values)) {
      if (a.kinds[name] !== "quotient") continue;
      const w = b.values[name];
      const tol = name.startsWith("quotient") || name === "tStar" ? 1e-7 : 1e-10;
      assert.ok(
        v === w || Math.abs(v - w) <= tol * Math.max(1, Math.abs(v)),
        `${name}: ${v} vs ${w} after the group element`,
      );
    }
    assert.ok(Math.abs(a.values.paramNorm - b.values.paramNorm) > 1e-3 * a.values.paramNorm, "raw ‖θ‖ moves");
    assert.ok(
      Object.keys(a.values).some((n) => n.startsWith("chargeDrift.")),
      "charge drift is reported",
    );
    for (const [name, v] of Object.entries(a.values)) if (name.startsWith("chargeDrift.")) assert.equal(v, 0, name);
    for (const name of ["loss", "paramNorm", "gradNorm", "sharpness", "orbitMinSqNorm", "horizontalGradNorm", "tStar"])
      assert.ok(name in a.values, `${name} is measured`);
    assert.equal(a.kinds.orbitMinSqNorm, MONITOR_OBSERVABLES.find((o) => o.name === "orbitMinSqNorm")?.kind);
  });
}

test("warm-started Lanczos: after small moves, 5 warm steps find λ_max, λ_min closer to the exact values than 5 cold", () => {
  const c = makeCase("mlp", { arch: "mlp", sizes: [3, 6, 2], activation: "tanh" }, "mse", 3, 10);
  const names = ["sharpness", "lambdaMin"];
  const warm = new ObservableProbe({ cfg: c.cfg, loss: "mse", x: c.x, y: c.y, names, key: key(1), hessianSteps: 5 });
  const cold = new ObservableProbe({
    cfg: c.cfg,
    loss: "mse",
    x: c.x,
    y: c.y,
    names,
    key: key(1),
    hessianSteps: 5,
    warmStart: false,
  });
  let params = c.params;
  let errWarm = 0;
  let errCold = 0;
  for (let s = 0; s < 12; s++) {
    const H = denseMatrix(hessianOperator(c.f, params));
    const n = Math.round(Math.sqrt(H.length));
    const values = symEig(H, n).values;
    const w = warm.measure(params, s, 0.1).values;
    const k = cold.measure(params, s, 0.1).values;
    if (s > 0) {
      errWarm += Math.abs(w.sharpness - values[n - 1]) + Math.abs(w.lambdaMin - values[0]);
      errCold += Math.abs(k.sharpness - values[n - 1]) + Math.abs(k.lambdaMin - values[0]);
    }
    params = mapTree(params, (t, name) => {
      const z = normal(key(200 + 10 * s + name.length), t.shape, 0, 0.01);
      return new Tensor(
        t.data.map((v, i) => v + z.data[i]),
        t.shape,
      );
    });
  }
  assert.ok(errWarm < 0.5 * errCold, `warm error ${errWarm} vs cold ${errCold}`);
});

test("gradientField: the quotient GD drift's Jacobian asymmetry is O(η), gauge-invariant, absent without closed-form invariants", () => {
  for (const c of allCases(2)) {
    const at = (lr: number, p = c.params) =>
      new ObservableProbe({
        cfg: c.cfg,
        loss: c.loss,
        x: c.x,
        y: c.y,
        names: ["gradientField"],
        key: key(4),
        hessianSteps: 12,
      }).measure(p, 3, lr).values.gradientField;
    if (c.label === "mlp relu (2 hidden layers)" || c.label.startsWith("cnn")) {
      assert.equal(at(0.01), undefined, `${c.label}: no closed-form invariants, no series`);
      continue;
    }
    if (!["mlp leaky-relu, no bias", "transformer layernorm relu", "meanfield relu"].includes(c.label)) continue;
    const [a, b] = [at(0.02), at(0.01)];
    assert.ok(b > 0 && Math.abs(a / b - 2) < 0.1, `${c.label}: asymmetry ${a} at η = 0.02, ${b} at 0.01`);
    const g = groupOf(c.cfg);
    const moved = g.act(c.params, g.randomElement(key(9), { logRange: 10 }));
    assert.ok(Math.abs(at(0.01, moved) - b) < 1e-5 * b, `${c.label}: ${at(0.01, moved)} vs ${b} after a group element`);
  }
});
