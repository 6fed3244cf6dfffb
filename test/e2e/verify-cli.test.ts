/**
 * `shocklens verify` (docs/gradient-field.md §verify): the JSON contract keys, HJ and
 * Burgers residual orders ≈ 2 on the quotient slice, the stated threshold, numbers that depend on
 * the seed and the text report. The other families run in test/e2e/verify-families.test.ts; the
 * exit-2 errors in test/cli/verify.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCliInProcess } from "../cli/helpers.ts";

async function verifyJson(args: string[]) {
  const r = await runCliInProcess(["verify", ...args, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("verify --arch mlp --json: contract keys, second-order HJ/Burgers residuals, a stated metric and threshold", async () => {
  const r = await verifyJson(["--arch", "mlp"]);
  for (const k of ["residual", "order"]) {
    assert.equal(typeof r.hj[k], "number");
    assert.equal(typeof r.burgers[k], "number");
  }
  assert.ok(Math.abs(r.hj.order - 2) < 0.1, `HJ order ${r.hj.order}`);
  assert.ok(Math.abs(r.burgers.order - 2) < 0.1, `Burgers order ${r.burgers.order}`);
  assert.equal(typeof r.shock.predicted, "number");
  assert.equal(typeof r.shock.observed, "number");
  const gf = r.gradientField;
  assert.equal(typeof gf.asymmetry, "number");
  for (const k of ["mean", "stderr", "p"]) assert.equal(typeof gf.circulation[k], "number");
  assert.equal(typeof gf.etaExponent, "number");
  assert.match(gf.metric, /gradient flow induces/);
  assert.equal(gf.threshold, 0.01);
  assert.equal(typeof r.verdict, "string");
  assert.ok(r.verdict.length > 40);
  // What the tests must find on any network: the Euclidean-invariant curl is O(1), the induced-metric one O(η).
  assert.equal(gf.coordinates.etaScaling["quotient-euclidean"].order, "O(1)");
  assert.equal(gf.coordinates.etaScaling["quotient-metric-excess"].order, "O(η)");
  const burgers = r.claims.find((c: { id: string }) => c.id === "burgers-sgd");
  assert.equal(burgers.status, gf.nonGradientFraction < gf.threshold ? "supported" : "not supported");
});

test("verify: the numbers depend on the seed; the text report lists every claim", async () => {
  const a = await verifyJson(["--arch", "meanfield", "--seed", "1"]);
  const b = await verifyJson(["--arch", "meanfield", "--seed", "2"]);
  assert.notEqual(a.hj.residual, b.hj.residual);
  assert.notEqual(a.gradientField.circulation.mean, b.gradientField.circulation.mean);
  assert.notEqual(a.training.lossTrained, b.training.lossTrained);
  const t = await runCliInProcess(["verify", "--arch", "meanfield", "--seed", "1"]);
  assert.equal(t.code, 0);
  for (const id of ["hj", "burgers-pde", "assumption-euclidean", "assumption-metric", "burgers-sgd", "shock"])
    assert.match(t.stdout, new RegExp(`\\n  ${id} +(held|failed|conditional|supported|not supported) `));
});
