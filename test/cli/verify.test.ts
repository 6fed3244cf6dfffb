/**
 * `shocklens verify` (docs/gradient-field.md §verify): the JSON contract keys, HJ and
 * Burgers residual orders ≈ 2 on the quotient slice, the stated threshold, numbers that depend on
 * the seed, the text report, and exit-2 errors for a bad family or seed. The other families run in
 * test/e2e/verify-families.test.ts. Child processes: a long command run in process would capture
 * the test runner's own report lines.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "./helpers.ts";

function verifyJson(args: string[]) {
  const r = runCli(["verify", ...args, "--json"], { timeoutMs: 600_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("verify --arch mlp --json: contract keys, second-order HJ/Burgers residuals, a stated metric and threshold", () => {
  const r = verifyJson(["--arch", "mlp"]);
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

test("verify: the numbers depend on the seed; the text report lists every claim", () => {
  const a = verifyJson(["--arch", "meanfield", "--seed", "1"]);
  const b = verifyJson(["--arch", "meanfield", "--seed", "2"]);
  assert.notEqual(a.hj.residual, b.hj.residual);
  assert.notEqual(a.gradientField.circulation.mean, b.gradientField.circulation.mean);
  assert.notEqual(a.training.lossTrained, b.training.lossTrained);
  const t = runCli(["verify", "--arch", "meanfield", "--seed", "1"], { timeoutMs: 600_000 });
  assert.equal(t.code, 0);
  for (const id of ["hj", "burgers-pde", "assumption-euclidean", "assumption-metric", "burgers-sgd", "shock"])
    assert.match(t.stdout, new RegExp(`\\n  ${id} +(held|failed|conditional|supported|not supported) `));
});

test("verify: a bad family or seed exits 2 with one line", () => {
  const bad = runCli(["verify", "--arch", "resnet"]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^shocklens: --arch: unknown family "resnet" \(expected mlp, cnn, transformer, meanfield\)\n$/,
  );
  const seed = runCli(["verify", "--arch", "mlp", "--seed", "-1"]);
  assert.equal(seed.code, 2);
  assert.match(seed.stderr, /--seed/);
});
