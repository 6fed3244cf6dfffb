/**
 * The measured non-gradient fraction of SGD's drift on real small networks (docs/gradient-field.md
 * §networks): an MLP and a CNN on the shipped MNIST digits (average-pooled to 7 × 7 and 14 × 14),
 * and a transformer on modular addition — each trained by SGD, charted through its balanced
 * representative along the top and bottom quotient-Hessian directions, and its mean SGD drift
 * decomposed by Helmholtz–Hodge on a grid of the chart, in raw, Euclidean-invariant and induced-
 * metric coordinates, against the step η, the batch size and sampling with vs without replacement.
 */
import { Tensor } from "../core/tensor.ts";
import { type Key, foldIn, key as keyOf } from "../core/random.ts";
import { ravel, unravel } from "../core/tree.ts";
import { modelOf, parseModelConfig } from "../nn/index.ts";
import { groupOf } from "../nn/registry.ts";
import { loadTask } from "../data/index.ts";
import {
  affineChart,
  hodgeTest,
  invariantMap,
  makeStepper,
  optimizerSpec,
  quotientDriftField,
  runTrajectory,
  uniformGrid,
  type Dynamics,
  type Frame,
  type Problem,
} from "../gradientfield/index.ts";
import { horizontalDirections } from "./families.ts";

export interface NonGradientRow {
  network: string;
  eta: number;
  batchSize: number;
  replacement: boolean;
  /**
   * Noise-debiased Helmholtz–Hodge non-gradient fraction of the field's energy on the chart's
   * grid. raw: SGD's raw drift is exactly a gradient, so this is the method's discretisation floor;
   * euclidean and metric: the excess over the raw 1-form (same curl, no discretisation error of the
   * gradient part) over the quotient field's energy.
   */
  raw: number;
  euclidean: number;
  metric: number;
}

/** Average-pools [N, 784] digits by `f` × `f` blocks to [N, (28/f)²]. */
function pool(x: Tensor, f: number): Tensor {
  const N = x.shape[0],
    s = 28 / f;
  const out = new Float64Array(N * s * s);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < 28; i++)
      for (let j = 0; j < 28; j++)
        out[n * s * s + Math.floor(i / f) * s + Math.floor(j / f)] += x.data[n * 784 + i * 28 + j] / (f * f);
  return new Tensor(out, [N, s * s]);
}

interface Net {
  name: string;
  problem: Problem;
  group: ReturnType<typeof groupOf>;
  lr: number;
}

function networks(seed: number): Net[] {
  const root = keyOf(seed);
  const digits = loadTask({ name: "mnist", trainFraction: 1, limit: 256, seed }, foldIn(root, 1)).train;
  const make = (name: string, cfgRaw: Record<string, unknown>, x: Tensor, y: Tensor, lr: number, i: number): Net => {
    const cfg = parseModelConfig(cfgRaw);
    const model = modelOf(cfg);
    return {
      name,
      problem: { model, template: model.init(foldIn(root, 10 + i)), x, y, loss: "xent" },
      group: groupOf(cfg),
      lr,
    };
  };
  const mod = loadTask(
    { name: "modular", p: 7, op: "+", encoding: "tokens", trainFraction: 0.8, seed },
    foldIn(root, 2),
  ).train;
  return [
    make(
      "MNIST MLP 49-16-10",
      { arch: "mlp", sizes: [49, 16, 10], activation: "relu" },
      pool(digits.x, 4),
      digits.y,
      0.1,
      0,
    ),
    make(
      "MNIST CNN conv4·3×3·pool2 → 10",
      {
        arch: "cnn",
        input: [1, 14, 14],
        conv: [{ out: 4, kernel: 3, padding: 0, pool: 2 }],
        fc: [10],
        activation: "relu",
      },
      pool(digits.x, 2),
      digits.y,
      0.1,
      1,
    ),
    make(
      "transformer, modular addition p = 7",
      {
        arch: "transformer",
        vocab: 8,
        seq: 3,
        d: 8,
        heads: 2,
        dHead: 4,
        layers: 1,
        mlp: 16,
        norm: "none",
        activation: "gelu",
        causal: true,
        readout: "last",
      },
      mod.x,
      mod.y,
      0.1,
      2,
    ),
  ];
}

/** Train, chart, and measure every (η, batch, replacement) configuration of each network. */
export function nonGradientTable(
  o: { seed?: number; progress?: (m: string) => void; steps?: number } = {},
): NonGradientRow[] {
  const seed = o.seed ?? 0;
  const rows: NonGradientRow[] = [];
  for (const [ni, net] of networks(seed).entries()) {
    o.progress?.(`  ${net.name}`);
    const k = foldIn(keyOf(seed), 100 + ni);
    const train: Extract<Dynamics, { kind: "step" }> = {
      kind: "step",
      optimizer: optimizerSpec({ name: "sgd", lr: net.lr }),
      batchSize: 32,
      replacement: false,
    };
    const trained = runTrajectory(
      net.problem,
      train,
      ravel(net.problem.template),
      o.steps ?? 300,
      foldIn(k, 1),
      () => {},
    );
    const theta0 = ravel(net.group.canonicalize(unravel(net.problem.template, trained)));
    const { directions } = horizontalDirections(net.group, net.problem, theta0, foldIn(k, 2));
    const chart = affineChart(theta0, directions, "balanced θ₀ + top/bottom quotient-Hessian directions");
    const phi = invariantMap(net.group, net.problem.template);
    const frames = new Map<string, Frame>();
    const grid = uniformGrid([-0.25, -0.25], [0.25, 0.25], 5);
    const configs: [number, number, boolean][] = [
      [net.lr, 8, false],
      [net.lr / 2, 8, false],
      [net.lr / 4, 8, false],
      [net.lr, 32, false],
      [net.lr, 8, true],
      [net.lr, 32, true],
    ];
    for (const [eta, batchSize, replacement] of configs) {
      const field = quotientDriftField({
        chart,
        stepper: makeStepper(net.problem, {
          kind: "step",
          optimizer: optimizerSpec({ name: "sgd", lr: eta }),
          batchSize,
          replacement,
        }),
        invariants: phi,
        coordinates: [
          "raw",
          "quotient-euclidean",
          "quotient-metric",
          "quotient-euclidean-excess",
          "quotient-metric-excess",
        ],
        frames,
      });
      const [raw, eu, me, euEx, meEx] = hodgeTest(field, grid, { replicates: 24, key: foldIn(k, 3) as Key });
      rows.push({
        network: net.name,
        eta,
        batchSize,
        replacement,
        raw: raw.debiased,
        euclidean: euEx.residualEnergy / eu.energy,
        metric: meEx.residualEnergy / me.energy,
      });
    }
  }
  return rows;
}
