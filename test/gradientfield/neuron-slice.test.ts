/**
 * The gradient-field check of a trained one-hidden-layer MLP on a chart through k of its hidden
 * neurons (docs/gradient-field.md §trained networks). Oracle: the sub-network with the other
 * neurons' output as a per-sample offset gives the same SGD drift 1-forms — raw, Euclidean
 * invariant and induced metric — as the whole network on the same chart with the whole group's
 * invariants, because the quotient metric is block-diagonal over neurons.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { foldIn, key, normal } from "../../src/core/random.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import { groupOf } from "../../src/nn/index.ts";
import { ravel, unravel, type Tree } from "../../src/core/tree.ts";
import {
  affineChart,
  invariantMap,
  makeStepper,
  optimizerSpec,
  quotientDriftField,
  type CoordinateName,
  type Problem,
} from "../../src/gradientfield/index.ts";
import { neuronGradientFieldCheck, neuronSlice } from "../../src/experiments/verifyNeurons.ts";

const cfg = parseModelConfig({ arch: "mlp", sizes: [3, 5, 2], activation: "relu" });
const params = modelOf(cfg).init(key(1));
const data = { x: normal(key(2), [40, 3]), y: normal(key(3), [40, 2]), loss: "mse" as const };
const COORDS: CoordinateName[] = ["raw", "quotient-euclidean", "quotient-metric"];

type Linear = { weight: Tensor; bias: Tensor };

/** A sub-network vector placed into the whole network's parameters (zeros elsewhere). */
function embed(sub: Problem, neurons: number[], full: Tree, v: Float64Array): Float64Array {
  const s = unravel(sub.template, v) as unknown as Record<"fc0" | "fc1", Linear>;
  const f = full as unknown as Record<"fc0" | "fc1", Linear>;
  const [din, hidden, dout] = [3, 5, 2];
  const w0 = new Float64Array(hidden * din),
    b0 = new Float64Array(hidden),
    w1 = new Float64Array(dout * hidden);
  neurons.forEach((j, i) => {
    w0.set(s.fc0.weight.data.subarray(i * din, (i + 1) * din), j * din);
    b0[j] = s.fc0.bias.data[i];
    for (let c = 0; c < dout; c++) w1[c * hidden + j] = s.fc1.weight.data[c * neurons.length + i];
  });
  const tree = {
    fc0: { weight: new Tensor(w0, f.fc0.weight.shape), bias: new Tensor(b0, f.fc0.bias.shape) },
    fc1: { weight: new Tensor(w1, f.fc1.weight.shape), bias: new Tensor(Float64Array.from(s.fc1.bias.data), [dout]) },
  };
  return ravel(tree as unknown as Tree);
}

test("neuron slice: the sub-network's drift 1-forms equal the whole network's on the same chart", () => {
  const slice = neuronSlice(cfg, params, data, 2, key(4));
  assert.equal(slice.neurons.length, 2);
  const { chart, problem } = slice;
  const origin = chart.lift(new Float64Array(2));
  const dirs = [0, 1].map((i) => {
    const e = new Float64Array(2);
    e[i] = 1;
    const p = chart.lift(e);
    return embed(
      problem,
      slice.neurons,
      slice.balanced,
      p.map((v, j) => v - origin[j]),
    );
  });
  // The embedded origin is the sub-network's weights with zeros elsewhere; the whole network's
  // origin is its balanced weights: same neurons' entries, the others' weights where they are.
  const theta0 = ravel(slice.balanced);
  const fullChart = affineChart(theta0, dirs, "embedded");
  const sgd = {
    kind: "step" as const,
    optimizer: optimizerSpec({ name: "sgd", lr: 0.05 }),
    batchSize: 8,
    replacement: false,
  };
  const fullProblem: Problem = { model: modelOf(cfg), template: slice.balanced, ...data };
  const whole = quotientDriftField({
    chart: fullChart,
    stepper: makeStepper(fullProblem, sgd),
    invariants: invariantMap(groupOf(cfg), slice.balanced),
    coordinates: COORDS,
  });
  const part = quotientDriftField({
    chart,
    stepper: makeStepper(problem, sgd),
    invariants: invariantMap(slice.group, problem.template),
    coordinates: COORDS,
  });
  for (const s of [new Float64Array([0.1, -0.15]), new Float64Array([-0.3, 0.2])]) {
    const a = whole.sample(s, foldIn(key(5), 1));
    const b = part.sample(s, foldIn(key(5), 1));
    COORDS.forEach((name, c) => {
      const scale = Math.hypot(...a[c]);
      assert.ok(scale > 0, name);
      for (let i = 0; i < 2; i++)
        assert.ok(Math.abs(a[c][i] - b[c][i]) <= 1e-8 * scale, `${name}[${i}]: ${a[c][i]} vs ${b[c][i]}`);
    });
  }
});

test("neuron check: the induced-metric circulation of SGD scales like η, the Euclidean one does not", () => {
  const r = neuronGradientFieldCheck(
    cfg,
    params,
    data,
    { lr: 0.05, batchSize: 8 },
    { key: key(6), K: 8, replicates: 4 },
  );
  assert.equal(r.gradientField.order, "O(η)");
  assert.ok(Math.abs(r.gradientField.etaExponent - 1) < 0.05, String(r.gradientField.etaExponent));
  assert.ok(r.gradientField.asymmetry >= 0 && r.gradientField.asymmetry < 1);
  assert.match(r.verdict, /metric gradient flow induces/);
});

test("neuron check: a deeper MLP or a CNN is refused with a message naming what is needed", () => {
  const deep = parseModelConfig({ arch: "mlp", sizes: [3, 4, 4, 2], activation: "relu" });
  assert.throws(
    () => neuronGradientFieldCheck(deep, modelOf(deep).init(key(1)), data, { lr: 0.1, batchSize: 8 }, { key: key(1) }),
    /needs a one-hidden-layer MLP with biases/,
  );
});
