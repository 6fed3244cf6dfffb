/**
 * The sgld chains on two threads (docs/local-entropy.md §threads): for a portable objective (a
 * registry model's loss) the result at two threads is the one-thread result bit for bit — every
 * field but `details.chainThreads`, which says how the chains ran — for several seeds, an odd chain
 * count, ∇u only, a stderr target (several runs on one worker), several Gibbs modes (the Laplace
 * fits travel to the worker) and a chain that fails (the same error). Objectives that cannot be
 * rebuilt on a worker stay on one thread and say why.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normal, split } from "../../src/core/random.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { ravel } from "../../src/core/tree.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import {
  countingObjective,
  localEntropy,
  modelObjective,
  quadraticObjective,
  type Objective,
  type SgldOptions,
} from "../../src/coarse/index.ts";
import { denseFit, fitFromForm, lowRankFit } from "../../src/coarse/gaussian.ts";
import { decodeRecord, encodeRecord } from "../../src/coarse/sgldChains.ts";
import { InputError } from "../../src/errors.ts";
import { atThreads, reluXent, tinyNetwork, withoutThreads } from "./helpers.ts";

function sgld(obj: Objective, x: Float64Array, o: Omit<SgldOptions, "t" | "beta"> & { t: number; beta: number }) {
  return localEntropy(obj, x, { method: "sgld", ...o });
}

/** tanh MLP 1 → 1 → 1 at the origin with a wide kernel: the Gibbs kernel has several modes. */
function multimodal(): { objective: Objective; x0: Float64Array } {
  const model = modelOf(parseModelConfig({ arch: "mlp", sizes: [1, 1, 1], activation: "tanh" }));
  const X = new Tensor(Float64Array.of(-1, -0.5, 0.5, 1), [4, 1]);
  const Y = new Tensor(Float64Array.of(-0.7, -0.4, 0.4, 0.7), [4, 1]);
  const objective = modelObjective(model, model.init(key(1)), X, Y, "mse");
  return { objective, x0: new Float64Array(objective.dim) };
}

test("sgld at two threads equals one thread bit for bit, every field of the result", () => {
  const net = tinyNetwork(7);
  const rx = reluXent();
  const mm = multimodal();
  const cases: [string, Objective, Float64Array, Parameters<typeof sgld>[2]][] = [
    ["tanh mse, seed 1", net.objective, net.x0, { t: 0.5, beta: 8, seed: 1, burnIn: 60, samples: 100 }],
    [
      "tanh mse, seed 2, 3 chains",
      net.objective,
      net.x0,
      { t: 0.5, beta: 8, seed: 2, burnIn: 40, samples: 60, chains: 3 },
    ],
    [
      "relu xent, ∇u only",
      rx.objective,
      rx.x0,
      { t: 0.3, beta: 20, seed: 3, burnIn: 40, samples: 60, integrate: false },
    ],
    [
      "relu xent, stderr target",
      rx.objective,
      rx.x0,
      { t: 0.3, beta: 20, seed: 4, burnIn: 30, samples: 40, batches: 10, lambdas: 4, stderr: 1e-9, maxSamples: 160 },
    ],
    ["several modes", mm.objective, mm.x0, { t: 2, beta: 50, seed: 1, burnIn: 60, samples: 100, lambdas: 8 }],
  ];
  for (const [what, obj, x, o] of cases) {
    const one = atThreads(1, () => sgld(obj, x, o));
    const two = atThreads(2, () => sgld(obj, x, o));
    assert.equal(one.details.chainThreads, 1, what);
    assert.equal(two.details.chainThreads, 2, what);
    assert.deepStrictEqual(withoutThreads(two), withoutThreads(one), what);
    if (what === "several modes") assert.ok((one.reliability.checks.modes as number) > 1, "the case has several modes");
    if (what === "relu xent, stderr target") assert.ok(one.samples > 4 * (30 + 40) * 4, "several runs");
  }
});

test("sgld at two threads: evaluations on the worker are counted, and a failing chain throws the same error", () => {
  const net = tinyNetwork(7);
  const o = { t: 0.5, beta: 8, seed: 5, burnIn: 20, samples: 40, lambdas: 4 };
  const counts = [1, 2].map((threads) => {
    const { objective, count } = countingObjective(net.objective);
    const r = atThreads(threads, () => sgld(objective, net.x0, o));
    assert.equal(r.details.chainThreads, threads, "a counted portable objective stays portable");
    return count;
  });
  assert.deepStrictEqual(counts[1], counts[0]);
  assert.ok(counts[0].gradients > 4 * 4 * 60);

  // unadjusted Langevin with a huge step on an unbounded loss diverges in every chain
  const model = modelOf(parseModelConfig({ arch: "mlp", sizes: [2, 3, 1], activation: "relu" }));
  const [kp, kx] = split(key(3), 2);
  const params = model.init(kp);
  const X = normal(kx, [6, 2]);
  const obj = modelObjective(model, params, X, normal(key(4), [6, 1]), "mse");
  const ula = { t: 1, beta: 1, seed: 6, burnIn: 5, samples: 20, adjust: false, stepSize: 1e6 };
  const messages = [1, 2].map((threads) => {
    try {
      atThreads(threads, () => sgld(obj, ravel(params), ula));
    } catch (e) {
      return [(e as Error).name, (e as Error).message];
    }
    return null;
  });
  assert.ok(messages[0] !== null, "the chains diverge");
  assert.deepStrictEqual(messages[1], messages[0]);
});

test("objectives that cannot be rebuilt on a worker keep the chains on one thread and say why", () => {
  const quad = quadraticObjective(
    [
      [2, 0.3],
      [0.3, 1],
    ],
    [0.1, 0.2],
  );
  const o = { t: 0.4, beta: 5, seed: 7, burnIn: 40, samples: 60, lambdas: 4 };
  const x = Float64Array.of(0.3, -0.2);
  const two = atThreads(2, () => sgld(quad, x, o));
  assert.equal(two.details.chainThreads, 1);
  assert.match(
    String(two.details.chainThreadsNote),
    /2 threads asked for, chains on one: the objective is not portable/,
  );
  assert.deepStrictEqual(withoutThreads(two), withoutThreads(atThreads(1, () => sgld(quad, x, o))));
  // a hand-made model (not built by modelOf) is not portable either
  const net = tinyNetwork(7);
  const handMade = { ...net.model };
  assert.equal(modelObjective(handMade, net.params, net.X, net.Y, "mse").portable, undefined);
  assert.notEqual(net.objective.portable, undefined);
  const one = atThreads(1, () => sgld(net.objective, net.x0, { ...o, chains: 1 }));
  assert.equal(one.details.chainThreadsNote, undefined, "one thread asked for: nothing to say");
});

test("a chain's failure comes back from the worker as the same kind of error", () => {
  const failed = (error: unknown) =>
    decodeRecord(encodeRecord({ batches: [], acceptance: [], eta: [], visits: [], failure: { node: 3, error } }))
      .failure!;
  const a = failed(new InputError("stepSize: too large", { field: "stepSize" }));
  assert.ok(a.error instanceof InputError);
  assert.equal(a.error.message, "stepSize: too large");
  assert.equal(a.error.field, "stepSize");
  assert.equal(a.node, 3);
  const b = failed(new Error("the objective returned NaN at a Langevin proposal"));
  assert.ok(b.error instanceof Error && !(b.error instanceof InputError));
  assert.equal((b.error as Error).message, "the objective returned NaN at a Langevin proposal");
});

test("a Gaussian fit rebuilt from its form (as a worker receives it) computes the same bits", () => {
  const c = Float64Array.of(0.3, -1.2, 2);
  const L = Float64Array.of(2, 0, 0, 0.4, 1.5, 0, -0.3, 0.2, 0.9);
  const s = Math.SQRT1_2;
  const fits = [denseFit(c, L), lowRankFit(c, 3, [Float64Array.of(s, s, 0)], Float64Array.of(7))];
  const y = Float64Array.of(1, 0.5, -0.25);
  for (const fit of fits) {
    const copy = fitFromForm(structuredClone(fit.form));
    assert.equal(copy.kind, fit.kind);
    assert.equal(copy.mahalanobis2(y), fit.mahalanobis2(y));
    assert.equal(copy.logDetPrecision, fit.logDetPrecision);
    assert.deepStrictEqual(copy.sample(y, 1.5), fit.sample(y, 1.5));
  }
});
