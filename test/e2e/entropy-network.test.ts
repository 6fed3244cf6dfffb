/**
 * The network case under the default method (docs/local-entropy.md §networks): full-parameter u
 * of a trained MNIST MLP (49 → 16 → 10 on 7×7-pooled digits, 970 parameters) at β = 10, 100, 1e3,
 * 1e4 with t = 0.05 — each answer certified (and then consistent with the Laplace value, docs/theory.md §C9, to
 * O(β⁻²)·curvature, and with the smc cross-check that auto ran) or refused with a reason. About a
 * minute per β on one core, so it runs only with SHOCKLENS_E2E=1:
 *
 *   SHOCKLENS_E2E=1 node --import tsx --test test/e2e/entropy-network.test.ts
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { localEntropy } from "../../src/coarse/index.ts";
import { trainedMnistMlp } from "../coarse/helpers.ts";

const skip = process.env.SHOCKLENS_E2E === "1" ? false : "set SHOCKLENS_E2E=1 (minutes of CPU)";

test(
  "trained MNIST MLP, 970 parameters, β ∈ [10, 1e4]: a certified error or an explicit refusal, and which estimator answered",
  { skip },
  () => {
    const net = trainedMnistMlp(16, 256, 400);
    assert.equal(net.objective.dim, 970);
    for (const beta of [10, 100, 1e3, 1e4]) {
      const r = localEntropy(net.objective, net.x0, { t: 0.05, beta, seed: 1 });
      assert.ok(r.auto && r.auto.reason.length > 0 && r.estimator.length > 0);
      process.stderr.write(
        `β = ${beta}: ${r.estimator}, u = ${r.u} ± ${r.stderr}, |∇u| = ${r.gradNorm} ± ${r.gradNormStderr}; ` +
          `${r.reliability.certified ? "certified" : `refused: ${r.reliability.reason}`}; ${r.auto.reason}\n`,
      );
      if (!r.reliability.certified) {
        assert.equal(r.stderr, null);
        assert.ok((r.reliability.reason ?? "").length > 0);
        continue;
      }
      if (beta >= 1e3 && r.method === "importance")
        assert.ok(
          Math.abs((r.u as number) - (r.details.laplaceU as number)) < 1e-4,
          `β = ${beta}: far from the Laplace value`,
        );
      if (r.auto.crossCheck?.agree !== null && r.auto.crossCheck !== null) assert.ok(r.auto.crossCheck.agree);
    }
  },
);
