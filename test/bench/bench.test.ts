/**
 * The benchmark workloads: every workload's check values reproduce the references' (docs/performance.md
 * §ml-check-values and docs/performance.md §pde-check-values) — including the timed forms added for
 * the bench (the SGLD loop, AdamW transformer steps, the per-sample loop with reused buffers).
 * `npm run bench` itself runs in test/e2e/bench.test.ts. These are functional tests: nothing here is
 * timed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as W from "../../bench/workloads.ts";
import { transformerStepCompiled } from "../../bench/transformerCompiled.ts";
import { persampleMediumCompiled } from "../../bench/persample.ts";
import { CASES, REFERENCE_CHECKS, referenceName, target } from "../../bench/suite.ts";
import { assertClose } from "../core/helpers.ts";

function expectCheck(name: string, got: number[]): void {
  const want = REFERENCE_CHECKS[name];
  assert.equal(got.length, want.length, name);
  got.forEach((g, i) => assertClose(g, want[i], 1e-9, `${name} check[${i}]`));
}

test("timed workload forms reproduce the reference checks (SGLD loop, AdamW steps, per-sample loop)", () => {
  expectCheck("sgld-inner", W.sgldInner().check());
  expectCheck("transformer-step", W.transformerStep().check());
  expectCheck("persample-medium-loop", W.persampleMediumLoop().check());
  expectCheck("tiny-grad", W.tinyGrad().check());
  // The noisy SGLD loop runs and moves away from the noiseless one only by the noise.
  const { y } = W.sgldInner().run();
  assert.ok(Number.isFinite(W.sumSq(y)));
});

test("the compiled MLP steps and H·v reproduce the eager workloads' reference checks and are timed against them", () => {
  expectCheck("mlp-small-step", W.mlpStepCompiled(64).check());
  expectCheck("mlp-medium-step", W.mlpStepCompiled(256).check());
  expectCheck("mlp-medium-hvp", W.mlpMediumHvpCompiled().check());
  expectCheck("sgld-inner", W.sgldInner(true).check());
  const byName = new Map(CASES.map((c) => [c.name, c]));
  assert.equal(referenceName(byName.get("mlp-small-step-compiled")!), "mlp-small-step");
  assert.equal(referenceName(byName.get("mlp-medium-step-compiled")!), "mlp-medium-step");
  assert.equal(referenceName(byName.get("mlp-medium-hvp-compiled")!), "mlp-medium-hvp");
  assert.equal(referenceName(byName.get("mlp-medium-step")!), "mlp-medium-step");
});

test("the compiled transformer step reproduces transformer-step's reference check and is timed against it", () => {
  expectCheck("transformer-step", transformerStepCompiled().check());
  const c = CASES.find((x) => x.name === "transformer-step-compiled");
  assert.equal(c && referenceName(c), "transformer-step");
});

test("the compiled per-sample lines reproduce the per-sample reference checks and are timed against them", () => {
  expectCheck("persample-medium-loop", persampleMediumCompiled("loop", false).check());
  expectCheck("persample-medium-vmap", persampleMediumCompiled("batched", true).check());
  const byName = new Map(CASES.map((c) => [c.name, c]));
  assert.equal(referenceName(byName.get("persample-medium-loop-compiled")!), "persample-medium-loop");
  assert.equal(referenceName(byName.get("persample-medium-vmap-compiled")!), "persample-medium-vmap");
});

test("the suite covers every workload of docs/performance.md with its unit, and the targets", () => {
  // The workloads, in their order.
  const names =
    "tiny-grad mlp-small-step mlp-medium-step mlp-small-step-compiled mlp-medium-step-compiled mlp-medium-hvp " +
    "mlp-medium-hvp-compiled " +
    "persample-medium-loop persample-medium-vmap persample-medium-loop-compiled persample-medium-vmap-compiled";
  assert.deepEqual(
    CASES.map((c) => c.name),
    [
      ...names.split(" "),
      "transformer-step",
      "transformer-step-compiled",
      "sgld-inner",
      "sgld-inner-compiled",
      "burgers-muscl",
      "burgers-weno5",
      "heat2d",
    ],
  );
  assert.equal(target("tiny-grad", "torch-1.13-cpu", "wasm-simd"), 10);
  assert.equal(target("mlp-small-step", "torch-1.13-cpu", "native-blas"), 1.5);
  assert.equal(target("mlp-small-step", "torch-1.13-cpu", "wasm-simd"), 0.7);
  assert.equal(target("transformer-step", "torch-1.13-cpu", "wasm-simd"), 0.5);
  assert.equal(target("burgers-weno5", "numpy-1.24", "native-blas"), 2);
  assert.equal(target("heat2d", "c-O2", "wasm-simd"), 0.5);
  assert.equal(target("heat2d", "c-O3", "wasm-simd"), null);
});
