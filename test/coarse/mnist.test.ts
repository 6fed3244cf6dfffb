/**
 * The network case (docs/local-entropy.md §networks): the full-parameter local entropy of a
 * trained MNIST MLP (49 → 8 → 10 on 7×7-pooled digits, 490 parameters: Lanczos curvature, L-BFGS
 * mode) at β = 10 and 1e4 comes with a certified error or an explicit refusal. Where certified it
 * must agree with an independent estimate: kernel importance sampling at β = 10, the Laplace value
 * (docs/theory.md §C9) up to O(β⁻²) at β = 1e4. The 970-parameter network at β ∈ {10, 100, 1e3, 1e4} under the
 * default method, cross-check included, is test/e2e/entropy-network.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { localEntropy } from "../../src/coarse/index.ts";
import { trainedMnistMlp } from "./helpers.ts";

const net = trainedMnistMlp(8, 128, 250);
const t = 0.05;

test("trained MNIST MLP (490 parameters): the loss is low, and u at β = 10 is certified and matches kernel importance sampling", () => {
  assert.equal(net.objective.dim, 490);
  assert.ok(net.objective.value(net.x0) < 0.1, `trained loss ${net.objective.value(net.x0)}`);
  const r = localEntropy(net.objective, net.x0, { t, beta: 10, seed: 1, crossCheck: "never" });
  assert.equal(r.estimator, "importance (laplace proposal)");
  assert.equal(r.details.search && (r.details.search as { nonconvex: boolean }).nonconvex, false);
  if (!r.reliability.certified) {
    assert.equal(r.stderr, null);
    assert.ok((r.reliability.reason ?? "").length > 0, "a refusal says why");
    return;
  }
  const k = localEntropy(net.objective, net.x0, { method: "importance", t, beta: 10, seed: 2, samples: 4096 });
  assert.ok(k.reliability.certified, `kernel IS: ${k.reliability.reason}`);
  const se = Math.hypot(r.stderr as number, k.stderr as number);
  assert.ok(Math.abs((r.u as number) - (k.u as number)) <= 4 * se, `laplace ${r.u} vs kernel ${k.u} ± ${se}`);
});

test("trained MNIST MLP at β = 1e4: certified or refused with a reason; certified u is the Laplace value up to O(β⁻²)", () => {
  const r = localEntropy(net.objective, net.x0, { t, beta: 1e4, seed: 1, crossCheck: "never" });
  assert.ok(r.auto?.reason.includes("Laplace proposal"));
  if (!r.reliability.certified) {
    assert.equal(r.stderr, null);
    assert.equal(r.gradStderr, null);
    assert.ok((r.reliability.reason ?? "").length > 0);
    return;
  }
  const laplaceU = r.details.laplaceU as number;
  // docs/theory.md §C9: u = u_Laplace + O(β⁻²); the loss curvature here is O(1), so |u − u_Laplace| ≲ 1/β² = 1e-8
  assert.ok(Math.abs((r.u as number) - laplaceU) < 1e-6, `u ${r.u} vs Laplace ${laplaceU}`);
  assert.ok((r.stderr as number) < 1e-6);
  assert.ok(r.gradNorm > 0 && Number.isFinite(r.gradNorm));
});
