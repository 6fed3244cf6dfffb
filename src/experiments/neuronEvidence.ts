/**
 * The worked one-ReLU-neuron evidence `shocklens paper` reports for the gradient-field assumption
 * (docs/gradient-field.md §neuron, docs/theory.md §d.7 and §e.2), computed live through the general
 * machinery: Euclidean and induced-metric Jacobian asymmetry of gradient flow for three charges c,
 * the induced-metric asymmetry of the exact mean SGD drift against η with its exponent, the
 * circulation at η = 1e-3, and Helmholtz–Hodge fractions — plus the raw vs quotient curvature of
 * L(w, a) = (aw − 1)² (docs/theory.md §d.9).
 */
import { key as keyOf, type Key } from "../core/random.ts";
import { tensor } from "../core/tensor.ts";
import { parseModelConfig } from "../nn/index.ts";
import { observe } from "../diagnostics/observables.ts";
import {
  circulationTest,
  etaScaling,
  hodgeTest,
  jacobianAsymmetry,
  neuron,
  uniformGrid,
} from "../gradientfield/index.ts";

export interface NeuronEvidence {
  charges: { c: number; euclidean: number; metric: number }[];
  eta: { etas: number[]; metric: number[]; euclidean: number[]; metricExponent: number; euclideanExponent: number };
  circulation: { eta: number; euclidean: Stat; metric: Stat; K: number; R: number };
  hodge: { euclideanFlow: number; metricFlow: number; metricSgd: number; eta: number };
  d9: { rawLambdaMin: { at: number[]; value: number }[]; quotientTStar: number[]; rawTStar: number[] };
}

interface Stat {
  mean: number;
  stderr: number;
  p: number;
  exact: number;
}

export function neuronEvidence(o: { replicates?: number; key?: Key } = {}): NeuronEvidence {
  const flow = neuron.neuronFlowField;
  const sgd = neuron.neuronSgdField;
  const points = [
    [0.7, 0.3],
    [0.9, 0.1],
    [0.6, 0.5],
  ].map((p) => Float64Array.from(p));
  const charges = [0.4, 0, -0.5].map((c) => {
    const rs = points.map((p) => jacobianAsymmetry(flow(c), p, { h: 1e-5 }));
    return {
      c,
      euclidean: Math.max(...rs.map((r) => r[1].asymmetry)),
      metric: Math.max(...rs.map((r) => r[2].asymmetry)),
    };
  });
  const etas = [0.1, 0.05, 0.025, 0.0125];
  const asymAt = (eta: number, p: Float64Array) => jacobianAsymmetry(sgd(eta), p, { h: 1e-4, exact: true });
  const metric = etas.map((e) => asymAt(e, points[0])[2].asymmetry);
  const euclidean = etas.map((e) => asymAt(e, points[2])[1].asymmetry);
  const R = o.replicates ?? 400;
  const circ = circulationTest(
    sgd(1e-3),
    { center: [1.0, 0.6], radius: 0.15, K: 64 },
    {
      replicates: R,
      key: o.key ?? keyOf(7),
    },
  );
  const stat = (r: (typeof circ)[number]): Stat => ({
    mean: r.test.mean,
    stderr: r.test.stderr,
    p: r.test.p,
    exact: r.exact as number,
  });
  const gf = hodgeTest(flow(0.4), uniformGrid([0.8, 0.4], [1.2, 0.8], 41));
  const hs = hodgeTest(sgd(0.2), uniformGrid([0.8, 0.4], [1.2, 0.8], 21), { exact: true });
  return {
    charges,
    eta: {
      etas,
      metric,
      euclidean,
      metricExponent: etaScaling(etas, metric).exponent,
      euclideanExponent: etaScaling(etas, euclidean).exponent,
    },
    circulation: { eta: 1e-3, euclidean: stat(circ[1]), metric: stat(circ[2]), K: 64, R },
    hodge: { euclideanFlow: gf[1].fraction, metricFlow: gf[2].fraction, metricSgd: hs[2].fraction, eta: 0.2 },
    d9: d9Example(),
  };
}

/** L(w, a) = (aw − 1)² as the linear MLP x ↦ a·w·x on (x, y) = (1, 1): raw λ_min moves along an orbit. */
function d9Example(): NeuronEvidence["d9"] {
  const cfg = parseModelConfig({ arch: "mlp", sizes: [1, 1, 1], activation: "identity", bias: false });
  const at = (w: number, a: number) => ({ fc0: { weight: tensor([w], [1, 1]) }, fc1: { weight: tensor([a], [1, 1]) } });
  const points = [
    [0, 0],
    [2, 1],
    [4, 0.5],
  ];
  const runs = points.map(([w, a]) =>
    observe(cfg, at(w, a), { x: tensor([1], [1, 1]), y: tensor([1], [1, 1]), loss: "mse", hessian: { steps: 2 } }),
  );
  const lm = runs.map((r) => (r.observables.raw.hessian as { lambdaMin: number }).lambdaMin);
  return {
    rawLambdaMin: points.map((p, i) => ({ at: p, value: lm[i] })),
    rawTStar: lm.map((v) => (v < 0 ? -1 / v : Infinity)),
    quotientTStar: runs.map((r) => r.tStar ?? Infinity),
  };
}
