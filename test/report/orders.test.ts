/** HJ/Burgers residual orders of the local entropy (docs/theory.md §e.1 step 3) on the closed-form double well. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { residualOrders } from "../../src/report/orders.ts";
import { doubleWell } from "../../src/pde/exact/doubleWell.ts";

test("residual orders of Cole–Hopf local entropy are ≈ 2 for the double well (before and after t* = 1, docs/theory.md §e.1)", () => {
  for (const t of [0.5, 1.5]) {
    const r = residualOrders((y) => doubleWell(y, 0.1), {
      a: -1,
      b: 1,
      t,
      beta: 20,
      y: { min: -5, max: 5, n: 2001 },
      steps: [0.1, 0.05, 0.025],
    });
    assert.ok(Math.abs(r.hj - 2) < 0.15, `HJ order ${r.hj} at t=${t}: ${r.hjResidual}`);
    assert.ok(Math.abs(r.burgers - 2) < 0.15, `Burgers order ${r.burgers} at t=${t}: ${r.burgersResidual}`);
  }
});
