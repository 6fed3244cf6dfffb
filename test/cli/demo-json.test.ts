/** The demo's --json gauge rows are keyed by stable names, the paths of the observables in `quotient --json` (docs/cli.md §demo). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gaugeJson, gaugeTable, type GaugeView } from "../../src/cli/demoQuotient.ts";
import type { ObserveResult } from "../../src/diagnostics/observables.ts";

const observed = (scale: number) =>
  ({
    observables: {
      raw: { paramSqNorm: 10 * scale, gradNorm: 2 * scale, hessian: { lambdaMin: -0.5 / scale, lambdaMax: 3 } },
      quotient: {
        loss: 0.25,
        orbitMinSqNorm: 4,
        horizontalGradNorm: 1.5,
        quotientHessian: { lambdaMin: -0.1, lambdaMax: 2 },
        tStar: 10,
      },
    },
  }) as unknown as ObserveResult;

test("every row has a stable name that resolves in the observables, and the label for people", () => {
  const view: GaugeView = { group: "G", groupDim: 3, samples: 5, original: observed(1), gauged: observed(100) };
  const rows = gaugeJson(view).rows as { name: string; what: string; trained: number; gauged: number }[];
  for (const r of rows) {
    assert.match(r.name, /^(raw|quotient)\.[A-Za-z.]+$/, r.name);
    assert.ok(!/[‖λ* ]/.test(r.name), `${r.name} is not a display label`);
    if (r.name === "raw.tStar") continue; // derived: 1/(−λ_min) of the raw Hessian
    const at = (o: ObserveResult) =>
      r.name.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], o.observables);
    assert.equal(r.trained, at(view.original), r.name);
    assert.equal(r.gauged, at(view.gauged), r.name);
  }
  const byName = new Map(rows.map((r) => [r.name, r]));
  assert.equal(byName.get("raw.paramSqNorm")?.what, "raw ‖θ‖²");
  assert.equal(byName.get("raw.tStar")?.trained, 2);
  assert.match(gaugeTable(view), /raw ‖θ‖²\s+10\.000\s+1000\.0\n/);
});
