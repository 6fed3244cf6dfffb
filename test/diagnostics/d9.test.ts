/**
 * docs/theory.md §d.9 — raw vs quotient curvature on L(w, a) = (aw − 1)², realised as the linear MLP
 * f(x) = a·w·x on the single sample (x, y) = (1, 1) with mse. The raw Hessian
 *   H = [[2a², 2(2aw − 1)], [2(2aw − 1), 2w²]]
 * has λ_min = −2 at the origin, −1.708 at (2, 1) and −0.604 at (4, 0.5) — the last two on the same
 * orbit aw = 2 — so raw shock forecasts depend on the representative. The quotient Hessian at the
 * balanced representative w = a = √v (v = aw > 0) is the curvature along the horizontal direction
 * (1, 1)/√2: (2v + 2v)/2 + 2(2v − 1) = 6v − 2, the same for every point of the orbit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor } from "../../src/core/tensor.ts";
import { parseModelConfig } from "../../src/nn/index.ts";
import { observe, tStar } from "../../src/diagnostics/observables.ts";

const cfg = parseModelConfig({ arch: "mlp", sizes: [1, 1, 1], activation: "identity", bias: false });
const x = tensor([1], [1, 1]);
const y = tensor([1], [1, 1]);
const at = (w: number, a: number) => ({ fc0: { weight: tensor([w], [1, 1]) }, fc1: { weight: tensor([a], [1, 1]) } });
const run = (w: number, a: number) => observe(cfg, at(w, a), { x, y, loss: "mse", hessian: { steps: 2 } });
const spec = (r: ReturnType<typeof run>, kind: "raw" | "quotient", name: string) =>
  r.observables[kind][name] as { lambdaMin: number; lambdaMax: number };

function rawLambdaMin(w: number, a: number): number {
  const p = 2 * a * a,
    q = 2 * w * w,
    r = 2 * (2 * a * w - 1);
  return (p + q) / 2 - Math.sqrt(((p - q) / 2) ** 2 + r * r);
}

test("docs/theory.md §d.9: raw λ_min = −2 at the origin, −1.708 at (2, 1), −0.604 at (4, 0.5), −20 at (3, −3)", () => {
  const cases: [number, number, number][] = [
    [0, 0, -2],
    [2, 1, -1.7082],
    [4, 0.5, -0.6042],
    [3, -3, -20],
  ];
  for (const [w, a, expected] of cases) {
    const got = spec(run(w, a), "raw", "hessian").lambdaMin;
    assert.ok(Math.abs(got - rawLambdaMin(w, a)) < 1e-12, `(${w}, ${a}): ${got}`);
    assert.ok(Math.abs(got - expected) < 1e-4, `(${w}, ${a}): ${got} vs ${expected}`);
  }
  // t*_raw = 1/20 = 0.05 would be the (spurious) raw forecast at (3, −3).
  assert.equal(tStar(-20), 0.05);
});

test("docs/theory.md §d.9: on the orbit aw = 2 the quotient curvature is 6v − 2 = 10 at every representative, so t* = ∞", () => {
  const r1 = run(2, 1),
    r2 = run(4, 0.5),
    r3 = run(0.1, 20);
  for (const r of [r1, r2, r3]) {
    const q = spec(r, "quotient", "quotientHessian");
    assert.ok(Math.abs(q.lambdaMin - 10) < 1e-12 && Math.abs(q.lambdaMax - 10) < 1e-12, JSON.stringify(q));
    assert.equal(r.tStar, Infinity);
    assert.equal(r.observables.quotient.tStar, Infinity);
  }
  // The raw spectra on the same orbit differ (representative-dependent).
  assert.ok(Math.abs(spec(r1, "raw", "hessian").lambdaMin - spec(r2, "raw", "hessian").lambdaMin) > 1);
});

test("docs/theory.md §d.9: the quotient curvature 6v − 2 (balanced metric) is < 0 only for v < 1/3; the origin is a fixed point", () => {
  for (const v of [0.2, 0.5, 1, 3]) {
    const q = spec(run(v / 0.7, 0.7), "quotient", "quotientHessian");
    assert.ok(Math.abs(q.lambdaMin - (6 * v - 2)) < 1e-12, `v=${v}: ${q.lambdaMin}`);
  }
  // v = 0.2: λ = −0.8 ⇒ t* = 1.25 (the metric of the balanced representative curves the convex ℓ(v) = (v − 1)²).
  assert.ok(Math.abs((run(0.2 / 0.7, 0.7).tStar as number) - 1.25) < 1e-12);
  // At (0, 0) the generator ξ = (w, −a) vanishes: no vertical direction, the quotient Hessian is the raw one.
  const o = run(0, 0);
  assert.ok(Math.abs(spec(o, "quotient", "quotientHessian").lambdaMin + 2) < 1e-12);
});
