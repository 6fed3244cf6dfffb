/**
 * The gradient-field half of `shocklens verify` (docs/gradient-field.md §verify): is SGD's drift on
 * the quotient slice of a trained network a gradient field? On the family's chart (balanced θ₀,
 * top/bottom quotient-Hessian directions) and at the training step and batch:
 *
 * - Jacobian asymmetry (raw, Euclidean-invariant, induced metric), common random numbers;
 * - circulation on a headline loop and on a 3 × 3 family of loops (Holm and BH), the induced-metric
 *   curl measured on its excess over the raw per-batch gradient (a control variate, exact for SGD);
 * - the Helmholtz–Hodge non-gradient fraction on a grid of the slice, noise-debiased — the headline
 *   `nonGradientFraction` is the excess's non-gradient energy over the induced-metric field's energy;
 * - the η-scaling of the curl, batch size and sampling with vs without replacement;
 * - the stochastic area of a long SGD run projected on the chart (raw and quotient coordinates);
 * - the drift of the Noether charges, and the other optimizers (momentum, Adam, AdamW, SGLD, Entropy-SGD).
 */
import { type Key, foldIn } from "../core/random.ts";
import {
  circulationTest,
  chargeDriftScaling,
  etaScaling,
  hodgeTest,
  invariantMap,
  jacobianAsymmetry,
  loopFamilyTest,
  loopGrid,
  makeStepper,
  optimizerSpec,
  quotientDriftField,
  runTrajectory,
  stochasticArea,
  uniformGrid,
  type CoordinateName,
  type Dynamics,
  type Frame,
  type HodgeResult,
  type InvariantMap,
  type Loop,
  type QuotientField,
  type ScalingOrder,
} from "../gradientfield/index.ts";
import type { FamilySetup } from "./families.ts";

/**
 * The Burgers claim is called supported only where the induced-metric non-gradient fraction of
 * SGD's mean drift on the verify slice is below this, fixed before any measurement
 * (docs/gradient-field.md §threshold).
 */
export const NON_GRADIENT_THRESHOLD = 0.01;

export interface Budget {
  /** Replicates of the headline circulation and the asymmetry. */
  replicates: number;
  /** Points on the headline loop. */
  K: number;
  /** Hodge grid nodes per axis and replicates. */
  hodgeN: number;
  hodgeReplicates: number;
  /** Steps of the stochastic-area trajectory. */
  areaSteps: number;
}

export const DEFAULT_BUDGET: Budget = { replicates: 32, K: 32, hodgeN: 7, hodgeReplicates: 8, areaSteps: 2000 };

/** The headline loop on the verify chart (radius 0.25 around (0.4, 0.4)) with `K` points. */
export const headlineLoop = (K: number): Loop => ({ center: [0.4, 0.4], radius: 0.25, K });

/** The Hodge grid of the verify chart: `n` × `n` nodes on [−0.6, 0.6]². */
export const hodgeGrid = (n: number) => uniformGrid([-0.6, -0.6], [0.6, 0.6], n);

/**
 * The headline non-gradient fraction from a Hodge test in the named coordinates (`prefix` "quotient-metric"
 * or "quotient-euclidean"): the excess's noise-debiased non-gradient energy over the field's energy.
 */
export function nonGradientFractionOf(hodge: readonly HodgeResult[], prefix = "quotient-metric"): number {
  const by = Object.fromEntries(hodge.map((h) => [h.coordinates.name, h]));
  return by[`${prefix}-excess`].residualEnergy / by[prefix].energy;
}

interface CurlSummary {
  mean: number;
  stderr: number;
  p: number;
  ci: [number, number];
}

export interface FieldChecks {
  eta: number;
  batchSize: number;
  replacement: boolean;
  dynamics: string;
  chart: string;
  metrics: Record<string, string>;
  loop: Loop;
  asymmetry: Record<string, { value: number; ci: [number, number] | null; p: number | null }>;
  circulation: Record<string, CurlSummary>;
  loops: Record<string, { loops: number; holmRejections: number; bhRejections: number; minAdjustedP: number }>;
  hodge: Record<string, { fraction: number; debiased: number; p: number | null }>;
  /** Induced-metric non-gradient energy (of the excess) over the induced-metric field's energy. */
  nonGradientFraction: number;
  /** The same in Euclidean invariant coordinates. */
  nonGradientFractionEuclidean: number;
  threshold: number;
  etaScaling: Record<string, { etas: number[]; values: number[]; exponent: number; order: ScalingOrder }>;
  batch: { batchSize: number; replacement: boolean; circulation: number; stderr: number; p: number }[];
  area: Record<string, { ratePerStep: number; p: number; reversalP: number }>;
  noether: {
    time: number;
    runs: { eta: number; steps: number; drift: number; firstOrder: number; secondOrder: number }[];
    identityResidual: number;
    exponent: number;
    order: ScalingOrder;
  };
  optimizers: { name: string; raw: CurlSummary; metric: CurlSummary; excess: CurlSummary }[];
  /**
   * The minibatch noise of the raw 1-form at the headline loop's centre: its 2 × 2 covariance on the
   * chart (orthonormal directions, so the Euclidean metric is the identity there) and the ratio of
   * its eigenvalues. Cole–Hopf, and with it ν = η/(4b), needs this to be isotropic
   * (docs/theory.md §a.4, §a.8).
   */
  noise: { covariance: [number, number, number]; anisotropy: number };
}

const summary = (t: { mean: number; stderr: number; p: number; ci: [number, number] }): CurlSummary => ({
  mean: t.mean,
  stderr: t.stderr,
  p: t.p,
  ci: t.ci,
});

export function fieldChecks(setup: FamilySetup, key: Key, budget: Budget = DEFAULT_BUDGET): FieldChecks {
  const { problem, chart, training } = setup;
  const phi = invariantMap(setup.group, problem.template);
  const names: CoordinateName[] = [
    "raw",
    "quotient-euclidean",
    "quotient-metric",
    "quotient-metric-excess",
    "quotient-euclidean-excess",
  ];
  const frames = new Map<string, Frame>();
  const fieldFor = (dyn: Dynamics, coords = names) =>
    quotientDriftField({ chart, stepper: makeStepper(problem, dyn), invariants: phi, coordinates: coords, frames });
  const sgd = fieldFor(training);
  const loop = headlineLoop(budget.K);
  const R = budget.replicates;
  const byName = <T>(list: { coordinates: { name: string } }[], pick: (x: never) => T) =>
    Object.fromEntries(list.map((x) => [x.coordinates.name, pick(x as never)]));

  const asym = jacobianAsymmetry(sgd, Float64Array.from(loop.center), { h: 0.02, replicates: R, key: foldIn(key, 1) });
  const circ = circulationTest(sgd, loop, { replicates: R, key: foldIn(key, 2) });
  const fam = ["holm", "bh"].map((c) =>
    loopFamilyTest(sgd, loopGrid([-0.6, -0.6], [0.6, 0.6], 3, 0.15, 12), {
      replicates: 12,
      key: foldIn(key, 3),
      correction: c as "holm" | "bh",
    }),
  );
  const hodge = hodgeTest(sgd, hodgeGrid(budget.hodgeN), {
    replicates: budget.hodgeReplicates,
    key: foldIn(key, 4),
  });
  return {
    eta: training.optimizer.lr,
    batchSize: training.batchSize,
    replacement: training.replacement,
    dynamics: makeStepper(problem, training).description,
    chart: chart.description,
    metrics: Object.fromEntries(sgd.coordinates.map((c) => [c.name, c.metric])),
    loop,
    asymmetry: byName(asym, (a: (typeof asym)[number]) => ({
      value: a.asymmetry,
      ci: a.asymmetryCi,
      p: a.curl?.p ?? null,
    })),
    circulation: byName(circ, (c: (typeof circ)[number]) => summary(c.test)),
    loops: Object.fromEntries(
      fam[0].map((h, i) => [
        h.coordinates.name,
        {
          loops: h.loops.length,
          holmRejections: h.rejections,
          bhRejections: fam[1][i].rejections,
          minAdjustedP: h.minAdjustedP,
        },
      ]),
    ),
    hodge: byName(hodge, (h: (typeof hodge)[number]) => ({ fraction: h.fraction, debiased: h.debiased, p: h.p })),
    nonGradientFraction: nonGradientFractionOf(hodge),
    nonGradientFractionEuclidean: nonGradientFractionOf(hodge, "quotient-euclidean"),
    threshold: NON_GRADIENT_THRESHOLD,
    etaScaling: etaChecks(fieldFor, training, loop, R, foldIn(key, 5)),
    batch: batchChecks(fieldFor, training, loop, foldIn(key, 6)),
    area: areaCheck(setup, phi, sgd, budget.areaSteps, foldIn(key, 7)),
    noether: noetherCheck(setup, foldIn(key, 8)),
    optimizers: optimizerChecks(fieldFor, training, foldIn(key, 9)),
    noise: noiseCheck(sgd, Float64Array.from(loop.center), R, foldIn(key, 10)),
  };
}

type FieldFor = (dyn: Dynamics, coords?: CoordinateName[]) => QuotientField;
type Step = Extract<Dynamics, { kind: "step" }>;
const withLr = (d: Step, lr: number): Step => ({ ...d, optimizer: { ...d.optimizer, lr } });

/** |circulation| at η, η/2, η/4 (same streams): Euclidean O(1), induced-metric excess O(η). */
function etaChecks(fieldFor: FieldFor, training: Step, loop: Loop, R: number, key: Key): FieldChecks["etaScaling"] {
  const eta = training.optimizer.lr;
  const etas = [eta, eta / 2, eta / 4];
  const coords: CoordinateName[] = ["quotient-euclidean", "quotient-metric-excess"];
  const runs = etas.map((e) => circulationTest(fieldFor(withLr(training, e), coords), loop, { replicates: R, key }));
  return Object.fromEntries(
    coords.map((name, c) => {
      const values = runs.map((r) => Math.abs(r[c].test.mean));
      const s = etaScaling(etas, values);
      return [name, { etas, values, exponent: s.exponent, order: s.order }];
    }),
  );
}

/** The induced-metric curl at half and twice the batch, with and without replacement. */
function batchChecks(fieldFor: FieldFor, training: Step, loop: Loop, key: Key): FieldChecks["batch"] {
  const out: FieldChecks["batch"] = [];
  for (const batchSize of [Math.max(1, training.batchSize / 2), training.batchSize * 2])
    for (const replacement of [false, true]) {
      const r = circulationTest(
        fieldFor({ ...training, batchSize, replacement }, ["quotient-metric-excess"]),
        { ...loop, K: 16 },
        { replicates: 16, key },
      )[0].test;
      out.push({ batchSize, replacement, circulation: r.mean, stderr: r.stderr, p: r.p });
    }
  return out;
}

/** Stochastic area of an SGD run from θ₀, projected on the chart in raw and invariant coordinates. */
function areaCheck(
  setup: FamilySetup,
  phi: InvariantMap,
  field: QuotientField,
  steps: number,
  key: Key,
): FieldChecks["area"] {
  const f0 = field.frame(new Float64Array(2));
  const [d1, d2] = f0.T;
  const [p1, p2] = f0.P!;
  // (PᵀP)⁻¹Pᵀ: least-squares chart coordinates of an invariant displacement.
  const a = p1.reduce((s, v) => s + v * v, 0),
    b = p1.reduce((s, v, i) => s + v * p2[i], 0),
    c = p2.reduce((s, v) => s + v * v, 0);
  const det = a * c - b * b;
  const raw = [new Float64Array(steps + 1), new Float64Array(steps + 1)];
  const quo = [new Float64Array(steps + 1), new Float64Array(steps + 1)];
  runTrajectory(setup.problem, setup.training, setup.theta0, steps, key, (k, theta) => {
    let r1 = 0,
      r2 = 0;
    for (let i = 0; i < theta.length; i++) {
      const dt = theta[i] - setup.theta0[i];
      r1 += d1[i] * dt;
      r2 += d2[i] * dt;
    }
    raw[0][k] = r1;
    raw[1][k] = r2;
    const v = phi.map(theta);
    let q1 = 0,
      q2 = 0;
    for (let i = 0; i < v.length; i++) {
      const dv = v[i] - f0.v![i];
      q1 += p1[i] * dv;
      q2 += p2[i] * dv;
    }
    quo[0][k] = (c * q1 - b * q2) / det;
    quo[1][k] = (a * q2 - b * q1) / det;
  });
  const test = (xy: Float64Array[], k: Key) => {
    const r = stochasticArea(xy[0], xy[1], { key: k, blocks: 20 });
    return { ratePerStep: r.ratePerStep, p: r.test.p, reversalP: r.reversalP };
  };
  return { raw: test(raw, foldIn(key, 1)), "quotient-euclidean": test(quo, foldIn(key, 2)) };
}

/** Charge drift over a fixed training time at η, η/2, η/4 (O(η) for SGD) and the per-step identity. */
function noetherCheck(setup: FamilySetup, key: Key): FieldChecks["noether"] {
  const eta = setup.training.optimizer.lr;
  const time = 100 * eta;
  const r = chargeDriftScaling(setup.group, setup.problem, setup.training, setup.theta0, {
    etas: [eta, eta / 2, eta / 4],
    time,
    key,
  });
  return {
    time,
    runs: r.runs.map((x) => ({
      eta: x.eta,
      steps: x.steps,
      drift: x.drift,
      firstOrder: x.firstOrder,
      secondOrder: x.secondOrder,
    })),
    identityResidual: Math.max(...r.runs.map((x) => x.identityResidual)),
    exponent: r.scaling.exponent,
    order: r.scaling.order,
  };
}

/** Covariance of the raw 1-form over R mini-batches at s, and its eigenvalue ratio. */
function noiseCheck(field: QuotientField, s: Float64Array, R: number, key: Key): FieldChecks["noise"] {
  const xs = Array.from({ length: R }, (_, r) => field.sample(s, foldIn(key, r))[0]);
  const m = [0, 1].map((i) => xs.reduce((a, x) => a + x[i], 0) / R);
  const c = (i: number, j: number) => xs.reduce((a, x) => a + (x[i] - m[i]) * (x[j] - m[j]), 0) / (R - 1);
  const [a, b, d] = [c(0, 0), c(0, 1), c(1, 1)];
  const half = Math.sqrt(((a - d) / 2) ** 2 + b * b);
  const hi = (a + d) / 2 + half,
    lo = (a + d) / 2 - half;
  return { covariance: [a, b, d], anisotropy: lo > 0 ? hi / lo : Infinity };
}

/** Raw and induced-metric circulation of the other optimizers on a smaller loop budget. */
function optimizerChecks(fieldFor: FieldFor, training: Step, key: Key): FieldChecks["optimizers"] {
  const eta = training.optimizer.lr;
  const base = { batchSize: training.batchSize, replacement: training.replacement };
  const list: [string, Step][] = [
    [
      "momentum 0.9",
      { kind: "step", ...base, warmup: 10, optimizer: optimizerSpec({ name: "sgd", lr: eta / 10, momentum: 0.9 }) },
    ],
    ["adam", { kind: "step", ...base, warmup: 10, optimizer: optimizerSpec({ name: "adam", lr: eta / 10 }) }],
    [
      "adamw λ=0.01",
      {
        kind: "step",
        ...base,
        warmup: 10,
        optimizer: optimizerSpec({ name: "adamw", lr: eta / 10, weightDecay: 0.01 }),
      },
    ],
    ["sgld β=1e4", { kind: "step", ...base, optimizer: optimizerSpec({ name: "sgld", lr: eta, beta: 1e4 }) }],
    [
      "entropy-sgd",
      {
        kind: "step",
        ...base,
        optimizer: optimizerSpec({ name: "entropy-sgd", lr: 1, innerLr: eta, innerSteps: 5, gamma: 1, beta: 1e6 }),
      },
    ],
  ];
  const loop: Loop = { center: [0.4, 0.4], radius: 0.25, K: 16 };
  return list.map(([name, dyn], i) => {
    const [raw, metric, excess] = circulationTest(
      fieldFor(dyn, ["raw", "quotient-metric", "quotient-metric-excess"]),
      loop,
      { replicates: 12, key: foldIn(key, i) },
    );
    return { name, raw: summary(raw.test), metric: summary(metric.test), excess: summary(excess.test) };
  });
}
