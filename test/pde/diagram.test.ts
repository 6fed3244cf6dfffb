/** The x–t diagram (docs/dashboard.md §explore) against the closed-form double well. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { characteristicLines, hjDiagram } from "../../src/pde/diagram.ts";
import { doubleWell, doubleWellGrad, doubleWellHopfLax, doubleWellJump } from "../../src/pde/exact/doubleWell.ts";
import { linspace } from "../../src/pde/quadrature.ts";

const eps = 0.1;
const f = (y: number) => doubleWell(y, eps);
const df = (y: number) => doubleWellGrad(y, eps);
const y = { min: -4, max: 4, n: 801 };

test("hjDiagram: u and p match the exact double-well Hopf–Lax solution; one shock at x = εt after t* = 1 with the exact jump", () => {
  const x = linspace(-1.5, 1.5, 301);
  const rows = hjDiagram(f, { x, times: [0.5, 2, 4], y, df });
  for (const row of rows) {
    for (let i = 0; i < x.length; i += 7) {
      const e = doubleWellHopfLax(x[i], row.t, eps);
      assert.ok(Math.abs(row.u[i] - e.u) < 1e-12, `u at x=${x[i]}, t=${row.t}`);
      if (Math.abs(x[i] - eps * row.t) > 0.02) assert.ok(Math.abs(row.p[i] - e.p) < 1e-9, `p at x=${x[i]}`);
    }
  }
  assert.equal(rows[0].shocks.length, 0, "no shock before t* = 1");
  for (const row of rows.slice(1)) {
    assert.equal(row.shocks.length, 1);
    const s = row.shocks[0];
    assert.ok(Math.abs(s.x - eps * row.t) < 0.011, `shock at ${s.x}, expected ${eps * row.t}`);
    const jump = s.left - s.right;
    assert.ok(Math.abs(jump - doubleWellJump(row.t)) < 0.05, `jump ${jump} vs ${doubleWellJump(row.t)}`);
  }
});

test("hjDiagram: the viscous profile tends to the inviscid one as β grows", () => {
  const x = linspace(-1, 1, 41);
  const [inv] = hjDiagram(f, { x, times: [0.5], y, df });
  const err = (beta: number) => {
    const [v] = hjDiagram(f, { x, times: [0.5], y, beta });
    return Math.max(...v.u.map((u, i) => Math.abs(u - inv.u[i])));
  };
  const e1 = err(50);
  const e2 = err(200);
  assert.ok(e2 < e1 / 3, `error ${e1} at β=50, ${e2} at β=200 (expected ~1/β)`);
});

test("characteristicLines: straight lines x = y₀ + t f'(y₀) that stop at the shock, not before t* = 1", () => {
  const feet = [-0.3, -0.1, 0.2, 0.6, 1.2];
  const times = Array.from({ length: 40 }, (_, k) => 0.1 * (k + 1));
  const lines = characteristicLines(f, df, feet, times, { y });
  for (const l of lines) {
    for (let k = 0; k < l.t.length; k++) assert.ok(Math.abs(l.x[k] - (l.y0 + l.t[k] * df(l.y0))) < 1e-12);
    // a foot inside the spinodal region (f'' < 0) is swallowed by the shock; never before t* = 1
    assert.ok(l.ends >= 1, `foot ${l.y0} ends at ${l.ends}`);
  }
  const inner = lines.find((l) => l.y0 === -0.1)!;
  assert.ok(Number.isFinite(inner.ends), "a foot near the hump's top enters the shock");
  assert.equal(lines.find((l) => l.y0 === 1.2)!.ends, Infinity, "a foot in the convex region far out survives");
});
