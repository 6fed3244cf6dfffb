/**
 * `verify` on all four families at two seeds (docs/gradient-field.md §verify): HJ and Burgers
 * residual orders ≈ 2 on every quotient slice, the Euclidean-invariant curl O(1) and the
 * induced-metric curl O(η) on every family, numbers that depend on the seed, and the Noether
 * identity of SGD. About a minute of CPU in all, hence end to end.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FAMILIES } from "../../src/experiments/families.ts";
import { runVerify } from "../../src/experiments/verify.ts";

for (const arch of FAMILIES) {
  test(`verify --arch ${arch}: second-order HJ/Burgers residuals, O(1) Euclidean and O(η) metric curl, seed-dependent`, () => {
    const [a, b] = [0, 1].map((seed) => runVerify(arch, seed));
    for (const r of [a, b]) {
      assert.ok(Math.abs(r.hj.order - 2) < 0.1, `${arch} seed ${r.seed}: HJ order ${r.hj.order}`);
      assert.ok(Math.abs(r.burgers.order - 2) < 0.1, `${arch} seed ${r.seed}: Burgers order ${r.burgers.order}`);
      assert.ok(r.entropy.z < 4.5, `${arch}: importance vs quadrature z = ${r.entropy.z}`);
      const f = r.gradientField.coordinates;
      assert.equal(f.etaScaling["quotient-euclidean"].order, "O(1)", `${arch}: Euclidean scaling`);
      assert.equal(f.etaScaling["quotient-metric-excess"].order, "O(η)", `${arch}: metric scaling`);
      for (const run of f.noether.runs)
        assert.ok(run.firstOrder < 1e-12, `${arch}: SGD moved the charges at first order (${run.firstOrder})`);
      assert.equal(f.noether.order, "O(η)", `${arch}: charge drift ${f.noether.exponent}`);
      assert.ok(
        r.shock.gauge.quotientTStar[0] === r.shock.gauge.quotientTStar[1] ||
          Math.abs(r.shock.gauge.quotientTStar[0] - r.shock.gauge.quotientTStar[1]) <
            1e-8 * r.shock.gauge.quotientTStar[0],
        `${arch}: the quotient t* is gauge invariant`,
      );
      assert.equal(r.claims.length, 7);
    }
    assert.notEqual(a.hj.residual, b.hj.residual);
    assert.notEqual(a.gradientField.circulation.mean, b.gradientField.circulation.mean);
    assert.notEqual(a.shock.predicted, b.shock.predicted);
  });
}
