/**
 * The gradient-field check of `verify` on a trained one-hidden-layer MLP of any width
 * (docs/gradient-field.md §trained networks): is SGD's drift, at the run's step and batch, a
 * gradient field on a 2-d chart of the quotient through the network's balanced weights?
 *
 * The invariant coordinates of a wide network are too many to differentiate at every chart point
 * (one per input × output per hidden neuron), so the chart moves k hidden neurons only — the k
 * carrying the most function, |a_j|‖(w_j, b_j)‖ at the balanced point — along the top and bottom
 * eigenvectors of the quotient Hessian restricted to them. For one hidden layer this loses nothing:
 * the group acts neuron by neuron, the invariants of a neuron depend on its own weights alone, so
 * the metric gradient flow induces on the quotient is block-diagonal over neurons, and the
 * quotient 1-forms on a chart that moves those neurons read only their invariants. Their SGD update
 * is that of the sub-network (their weights and the output bias) with the other neurons' output
 * held as a fixed per-sample offset — exactly, since the frozen neurons enter the loss only
 * through that offset.
 */
import * as F from "../core/ops/index.ts";
import { Tensor } from "../core/tensor.ts";
import { type Key, foldIn } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { modelOf, parseModelConfig, type LossName, type Model, type ModelConfig } from "../nn/index.ts";
import { groupOf } from "../nn/index.ts";
import type { SymmetryGroup } from "../symmetry/index.ts";
import { ravel, type Tree } from "../core/tree.ts";
import {
  affineChart,
  circulationTest,
  etaScaling,
  invariantMap,
  jacobianAsymmetry,
  makeStepper,
  optimizerSpec,
  quotientDriftField,
  type Chart,
  type CoordinateName,
  type Frame,
  type Loop,
  type Problem,
  type ScalingOrder,
} from "../gradientfield/index.ts";
import { horizontalDirections } from "./families.ts";
import { g3, pfmt } from "./verify.ts";

export interface NeuronCheckOptions {
  /** Hidden neurons the chart moves (default 2). */
  neurons?: number;
  /** Replicates of every test (default 8). */
  replicates?: number;
  /** Points on the loop (default 12). */
  K?: number;
  key: Key;
}

interface CurlSummary {
  mean: number;
  stderr: number;
  p: number;
}

export interface NeuronCheck {
  chart: string;
  neurons: number[];
  samples: number;
  eta: number;
  batchSize: number;
  curvature: [number, number];
  loop: Loop;
  gradientField: {
    metric: string;
    asymmetry: number;
    circulation: CurlSummary;
    etaExponent: number;
    order: ScalingOrder;
    euclidean: { asymmetry: number; circulation: CurlSummary; etaExponent: number; order: ScalingOrder };
  };
  verdict: string;
  seconds: number;
}

type Linear = { weight: Tensor; bias: Tensor };

/** Rows `rows` of a [r, c] matrix (or entries of a vector). */
function pickRows(t: Tensor, rows: number[]): Tensor {
  const c = t.shape.length === 2 ? t.shape[1] : 1;
  const out = new Float64Array(rows.length * c);
  rows.forEach((r, i) => out.set(t.data.subarray(r * c, (r + 1) * c), i * c));
  return new Tensor(out, t.shape.length === 2 ? [rows.length, c] : [rows.length]);
}

/** Columns `cols` of a [r, c] matrix. */
function pickCols(t: Tensor, cols: number[]): Tensor {
  const [r, c] = t.shape;
  const out = new Float64Array(r * cols.length);
  for (let i = 0; i < r; i++) cols.forEach((j, k) => (out[i * cols.length + k] = t.data[i * c + j]));
  return new Tensor(out, [r, cols.length]);
}

/** The sub-network of `neurons` with the others' output as an offset carried in the last columns of x. */
function subNetwork(cfg: ModelConfig & { sizes: number[] }, k: number): Model {
  const sub = parseModelConfig({ ...cfg, sizes: [cfg.sizes[0], k, cfg.sizes[2]] });
  const inner = modelOf(sub);
  const d = cfg.sizes[0];
  return {
    config: sub,
    init: inner.init,
    apply: (p, x) => F.add(inner.apply(p, F.slice(x, [0, 0], [x.shape[0], d])), F.slice(x, [0, d])),
  };
}

export interface NeuronSlice {
  /** The hidden neurons the chart moves, by decreasing |a_j|‖(w_j, b_j)‖. */
  neurons: number[];
  /** The whole network at its balanced representative. */
  balanced: Tree;
  /** The sub-network of those neurons (inputs carry the others' output in their last columns). */
  problem: Problem;
  group: SymmetryGroup;
  chart: Chart;
  curvature: [number, number];
}

/** The 2-d quotient chart through k hidden neurons of a trained one-hidden-layer MLP with biases. */
export function neuronSlice(
  cfg: ModelConfig,
  params: Tree,
  data: { x: Tensor; y: Tensor; loss: LossName },
  neuronCount: number,
  key: Key,
): NeuronSlice {
  if (cfg.arch !== "mlp" || cfg.sizes.length !== 3 || !cfg.bias)
    throw new InputError(
      `gradient-field check of a trained network: needs a one-hidden-layer MLP with biases, got ${JSON.stringify(cfg)}`,
    );
  const balanced = groupOf(cfg).canonicalize(params);
  const { fc0, fc1 } = balanced as unknown as Record<"fc0" | "fc1", Linear>;
  const [din, hidden, dout] = cfg.sizes;
  const k = Math.min(neuronCount, hidden);
  const mass = Array.from({ length: hidden }, (_, j) => {
    let w = fc0.bias.data[j] ** 2,
      a = 0;
    for (let i = 0; i < din; i++) w += fc0.weight.data[j * din + i] ** 2;
    for (let c = 0; c < dout; c++) a += fc1.weight.data[c * hidden + j] ** 2;
    return Math.sqrt(w * a);
  });
  const neurons = [...mass.keys()].sort((i, j) => mass[j] - mass[i] || i - j).slice(0, k);
  const template = {
    fc0: { weight: pickRows(fc0.weight, neurons), bias: pickRows(fc0.bias, neurons) },
    fc1: { weight: pickCols(fc1.weight, neurons), bias: fc1.bias },
  } as unknown as Tree;
  const model = subNetwork(cfg, k);
  // offset(x) = f(x) − f_S(x): the frozen neurons' share of the output, fixed per sample.
  const full = modelOf(cfg).apply(balanced, data.x);
  const mine = modelOf(model.config).apply(template, data.x);
  const problem: Problem = {
    model,
    template,
    x: F.concat([data.x, F.sub(full, mine)], 1),
    y: data.y,
    loss: data.loss,
  };
  const group = groupOf(model.config);
  const theta0 = ravel(template);
  const { directions, curvature } = horizontalDirections(group, problem, theta0, key);
  const chart = affineChart(
    theta0,
    directions,
    `θ₀ + s₁d₁ + s₂d₂: θ₀ the balanced weights, d₁, d₂ the top and bottom quotient-Hessian eigenvectors ` +
      `of hidden neuron${k === 1 ? "" : "s"} ${neurons.join(", ")} (the rest fixed)`,
  );
  return { neurons, balanced, problem, group, chart, curvature };
}

/**
 * The check on the trained `params` of a one-hidden-layer MLP `cfg`, on samples (x, y), for SGD at
 * step `lr` and batch `batchSize`: Jacobian asymmetry at the loop centre, circulation around the
 * loop at η, η/2, η/4 (its η-exponent), in Euclidean invariant coordinates and in the induced
 * metric (measured on the excess over the raw 1-form, docs/gradient-field.md §coordinates).
 * InputError for other models.
 */
export function neuronGradientFieldCheck(
  cfg: ModelConfig,
  params: Tree,
  data: { x: Tensor; y: Tensor; loss: LossName },
  training: { lr: number; batchSize: number },
  o: NeuronCheckOptions,
): NeuronCheck {
  const started = performance.now();
  const { neurons, problem, group, chart, curvature } = neuronSlice(
    cfg,
    params,
    data,
    o.neurons ?? 2,
    foldIn(o.key, 1),
  );
  const { template, x } = problem;
  const phi = invariantMap(group, template);
  const frames = new Map<string, Frame>();
  const coords: CoordinateName[] = ["quotient-euclidean", "quotient-metric", "quotient-metric-excess"];
  const fieldAt = (lr: number) =>
    quotientDriftField({
      chart,
      stepper: makeStepper(problem, {
        kind: "step",
        optimizer: optimizerSpec({ name: "sgd", lr }),
        batchSize: Math.min(training.batchSize, x.shape[0]),
        replacement: false,
      }),
      invariants: phi,
      coordinates: coords,
      frames,
    });
  const R = o.replicates ?? 8;
  const loop: Loop = { center: [0.4, 0.4], radius: 0.25, K: o.K ?? 12 };
  const etas = [training.lr, training.lr / 2, training.lr / 4];
  const circ = etas.map((eta) => circulationTest(fieldAt(eta), loop, { replicates: R, key: foldIn(o.key, 2) }));
  const asym = jacobianAsymmetry(fieldAt(training.lr), Float64Array.from(loop.center), {
    h: 0.02,
    replicates: R,
    key: foldIn(o.key, 3),
  });
  const scaling = (c: number) =>
    etaScaling(
      etas,
      circ.map((r) => Math.abs(r[c].test.mean)),
    );
  const curl = (c: number): CurlSummary => {
    const t = circ[0][c].test;
    return { mean: t.mean, stderr: t.stderr, p: t.p };
  };
  const [eu, me, ex] = [0, 1, 2];
  const exScale = scaling(ex),
    euScale = scaling(eu);
  const metricCurl = curl(ex);
  const verdict =
    (metricCurl.p < 0.05
      ? `SGD's drift has a curl in the metric gradient flow induces (circulation ${g3(metricCurl.mean)} ± ` +
        `${g3(metricCurl.stderr)}, p = ${pfmt(metricCurl.p)}) scaling like η^${g3(exScale.exponent)} ` +
        `(${exScale.order}${exScale.order === "O(η)" ? ": a gradient field only as η → 0" : ""})`
      : `no curl detected in the metric gradient flow induces (p = ${pfmt(metricCurl.p)}, ${R} replicates)`) +
    `; Euclidean invariant coordinates: circulation p = ${pfmt(curl(eu).p)}, η-exponent ${g3(euScale.exponent)}`;
  return {
    chart: chart.description,
    neurons,
    samples: x.shape[0],
    eta: training.lr,
    batchSize: Math.min(training.batchSize, x.shape[0]),
    curvature,
    loop,
    gradientField: {
      metric: asym[me].coordinates.metric,
      asymmetry: asym[me].asymmetry,
      circulation: metricCurl,
      etaExponent: exScale.exponent,
      order: exScale.order,
      euclidean: {
        asymmetry: asym[eu].asymmetry,
        circulation: curl(eu),
        etaExponent: euScale.exponent,
        order: euScale.order,
      },
    },
    verdict,
    seconds: (performance.now() - started) / 1000,
  };
}
