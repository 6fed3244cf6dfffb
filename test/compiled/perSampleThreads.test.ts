/**
 * Compiled per-sample gradients on two threads (docs/performance.md §compiled-per-sample-gradients):
 * the samples split between the caller's thread and a worker give the one-thread results bit for
 * bit. The split runs on the OpenBLAS path; without it the test is skipped.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { leaves } from "../../src/core/tree.ts";
import { init } from "../../src/nn/families/mlp.ts";
import { gemmBackendName, gemmThreads, setGemmThreads } from "../../src/core/backends/gemm/index.ts";
import { compilePerSampleGrads } from "../../src/compiled/index.ts";
import { assertBitEqual, batch, cfgOf } from "./helpers.ts";

const blas = gemmBackendName() === "native-blas";

test(
  "per-sample gradients split over two threads equal one thread's bit for bit",
  { skip: !blas && "OpenBLAS path not loaded" },
  () => {
    const before = gemmThreads();
    try {
      for (const [sizes, act, loss, n] of [
        [[100, 64, 48, 10], "relu", "xent", 7],
        [[784, 256, 256, 10], "tanh", "mse", 32],
      ] as const) {
        const cfg = cfgOf([...sizes], act);
        const pl = leaves(init(key(13), cfg)).map((p) => p.data);
        const { x, t } = batch(400, n, cfg, loss);
        setGemmThreads(1);
        const one = compilePerSampleGrads(cfg, loss, n);
        const want = one.run(pl, x.data, t.data, one.newOutputs());
        assert.equal(one.threadsUsed, 1);
        const wantValues = one.values.slice();
        setGemmThreads(2);
        const two = compilePerSampleGrads(cfg, loss, n);
        for (let trial = 0; trial < 2; trial++) {
          const got = two.run(pl, x.data, t.data, trial === 0 ? two.grads : two.newOutputs());
          assert.equal(two.threadsUsed, 2);
          want.forEach((w, j) => assertBitEqual(got[j], w, `${sizes.join("-")} trial ${trial} leaf ${j}`));
          assertBitEqual(two.values, wantValues, `${sizes.join("-")} losses`);
        }
        assert.equal(gemmThreads(), 2, "the thread setting is restored after the split");
        // Outputs the worker cannot share (plain arrays) are filled on one thread, with the same bits.
        const plain = two.run(
          pl,
          x.data,
          t.data,
          want.map((w) => new Float64Array(w.length)),
        );
        assert.equal(two.threadsUsed, 1);
        want.forEach((w, j) => assertBitEqual(plain[j], w, `${sizes.join("-")} plain outputs leaf ${j}`));
        two.close();
      }
    } finally {
      setGemmThreads(before);
    }
  },
);
