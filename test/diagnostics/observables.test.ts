/**
 * Raw vs quotient observables. Every quotient observable is unchanged by random gauge
 * transformations of every family, while the raw ones move; the "gauge attack" inflates the raw
 * parameter norm more than ×100 with the function (loss, outputs) unchanged, and leaves every
 * quotient observable — including the horizontal gradient norm, the quotient Hessian and t* — fixed.
 * The Noether charges are moved by the group (they are neither raw nor quotient observables).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Tensor } from "../../src/core/tensor.ts";
import { key, split } from "../../src/core/random.ts";
import { groupOf } from "../../src/nn/index.ts";
import type { GroupElement, SymmetryGroup } from "../../src/symmetry/index.ts";
import { observe, flattenValues, OBSERVABLES } from "../../src/diagnostics/observables.ts";
import { allCases } from "../symmetry/helpers.ts";

/** Every scaling ×s (the in-sides grow), every GL factor s·I: a maximal raw-norm inflation. */
function attack(G: SymmetryGroup, s: number): GroupElement {
  const g: GroupElement = {};
  for (const c of G.components) {
    if (c.kind === "scale") g[c.name] = { kind: "scale", alpha: new Float64Array(c.units).fill(s) };
    if (c.kind === "gl") {
      const n = Math.round(Math.sqrt(c.dim / c.units));
      const eye = (v: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? v : 0));
      g[c.name] = {
        kind: "gl",
        A: Array.from({ length: c.units }, () => eye(s)),
        Ainv: Array.from({ length: c.units }, () => eye(1 / s)),
      };
    }
  }
  return g;
}

function compare(a: ReturnType<typeof observe>, b: ReturnType<typeof observe>, tol: number, label: string): void {
  const qa = flattenValues(a.observables.quotient),
    qb = new Map(flattenValues(b.observables.quotient));
  assert.equal(qa.length, qb.size);
  for (const [k, v] of qa) {
    const w = qb.get(k) as number;
    const err = v === w ? 0 : Math.abs(v - w) / Math.max(Math.abs(v), Math.abs(w), 1e-12);
    assert.ok(err <= tol, `${label}: quotient observable ${k} moved: ${v} → ${w} (${err.toExponential(2)})`);
  }
}

test("the registry declares every observable raw or quotient; observe reports exactly those, in their declared section", () => {
  const c = allCases()[5];
  const r = observe(c.cfg, c.params, { x: c.x, y: c.y, loss: c.loss, hessian: { steps: 8 } });
  for (const o of OBSERVABLES) {
    assert.ok(o.kind === "raw" || o.kind === "quotient");
    assert.ok(o.name in r.observables[o.kind], `${o.name} missing from ${o.kind}`);
    assert.equal(r.kinds[o.name], o.kind);
  }
  assert.deepEqual(
    new Set([...Object.keys(r.observables.raw), ...Object.keys(r.observables.quotient)]),
    new Set(OBSERVABLES.map((o) => o.name)),
  );
  // Without data only the parameter observables are computed; without the hessian option no spectra.
  const p = observe(c.cfg, c.params);
  assert.ok(
    !("gradNorm" in p.observables.raw) && !("loss" in p.observables.quotient) && !("tStar" in p.observables.quotient),
  );
  const d = observe(c.cfg, c.params, { x: c.x, y: c.y, loss: c.loss });
  assert.ok("horizontalGradNorm" in d.observables.quotient && !("quotientHessian" in d.observables.quotient));
});

for (const c of allCases()) {
  test(`quotient observables invariant under random gauge transformations, raw ones move: ${c.label}`, () => {
    const G = groupOf(c.cfg);
    const opts = { x: c.x, y: c.y, loss: c.loss, hessian: { steps: 12 } };
    const base = observe(c.cfg, c.params, opts);
    for (const k of split(key(51), 2)) {
      const moved = observe(c.cfg, G.act(c.params, G.randomElement(k)), opts);
      compare(base, moved, 1e-9, c.label);
      if (G.dim > 0) {
        assert.ok(
          Math.abs((moved.observables.raw.paramNorm as number) / (base.observables.raw.paramNorm as number) - 1) > 1e-2,
        );
        assert.ok(
          Math.abs((moved.observables.raw.gradNorm as number) / (base.observables.raw.gradNorm as number) - 1) > 1e-3,
        );
        // Charges: moved by the group.
        assert.ok(
          Object.keys(base.chargeMax).some(
            (n) => Math.abs(base.chargeMax[n] - moved.chargeMax[n]) > 1e-6 * (1 + base.chargeMax[n]),
          ),
        );
      }
    }
  });
}

test("gauge attack: raw ‖θ‖ ×100 and more, same function, every quotient observable (Hessian and t* included) fixed", () => {
  for (const c of allCases().filter((x) => groupOf(x.cfg).dim > 0)) {
    const G = groupOf(c.cfg);
    const p = G.act(c.params, attack(G, 1000));
    const opts = { x: c.x, y: c.y, loss: c.loss, hessian: { steps: 12 } };
    const a = observe(c.cfg, c.params, opts),
      b = observe(c.cfg, p, opts);
    const ratio = (b.observables.raw.paramNorm as number) / (a.observables.raw.paramNorm as number);
    assert.ok(ratio > 100, `${c.label}: raw norm ×${ratio}`);
    assert.ok(
      Math.abs((b.loss as number) - (a.loss as number)) <= 1e-12 * Math.abs(a.loss as number),
      `${c.label}: loss`,
    );
    compare(a, b, 1e-9, c.label);
    const hr = (r: typeof a) => r.observables.raw.hessian as Record<string, number>;
    assert.ok(
      Math.abs(hr(a).lambdaMax - hr(b).lambdaMax) > 1e-3 * Math.abs(hr(a).lambdaMax),
      `${c.label}: raw λ_max did not move`,
    );
  }
});

test("symmetry breaking is reported with data for layer-norm transformers only", () => {
  const [tfLn, tfNone] = [allCases()[5], allCases()[6]];
  const r = observe(tfLn.cfg, tfLn.params, { x: tfLn.x, y: tfLn.y, loss: tfLn.loss });
  assert.ok(r.symmetryBreaking?.residualScale.relLossChange.length === 4);
  assert.equal(
    observe(tfNone.cfg, tfNone.params, { x: tfNone.x, y: tfNone.y, loss: tfNone.loss }).symmetryBreaking,
    undefined,
  );
  assert.equal(observe(tfLn.cfg, tfLn.params).symmetryBreaking, undefined);
});

test("non-finite parameters are reported, not looped on", () => {
  const c = allCases()[0];
  const G = groupOf(c.cfg);
  // act returns fresh tensors, so writing into this copy is safe.
  const p = G.act(c.params, G.identity()) as { fc0: { weight: Tensor } };
  p.fc0.weight.data[3] = NaN;
  assert.throws(() => observe(c.cfg, p as never), /fc0\.weight holds NaN at flat index 3/);
  assert.throws(() => G.canonicalize(p as never), /not finite/);
});
