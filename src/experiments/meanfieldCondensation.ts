/**
 * Mean-field condensation (docs/experiments.md §meanfield-condensation): a wide mean-field ReLU
 * network f(x) = (1/m) Σ_j a_j relu(w_j x + b_j) (1-d input) learns a teacher with two neurons by
 * full-batch gradient descent with the mean-field step η·m (the particle-consistent scaling). The
 * particles θ_j = (w_j, b_j, a_j) move with the velocity field
 *   V(θ) = −∇_θ Ψ(θ; ρ),   Ψ(θ; ρ) = (2/N) Σ_x (f_ρ(x) − y(x)) a relu(w x + b),
 * (m times a particle's loss gradient, defined for any θ) and condense onto few clusters. Each
 * particle's function is fixed by its quotient coordinates u_j = a_j (w_j, b_j) (the rescaling
 * (w, b, a) ↦ (αw, αb, a/α) does not change it), so condensation is counted both in raw θ-space
 * and in u-space. Gradient flow conserves each particle's charge c_j = w_j² + b_j² − a_j², so two
 * particles with different charges cannot meet in θ-space even when their functions coincide.
 *
 * The shock: along the line through the largest u-cluster in the direction of the particles'
 * principal axis, the component of the quotient velocity du/dt = (ȧ w + a ẇ, ȧ b + a ḃ) (θ at the
 * balanced representative |a| = |(w, b)|) converges from both sides into the cluster — a downward
 * front of the 1-d profile, which `detectShocks` flags. Its position is compared with the cluster's.
 */
import { Tensor } from "../core/tensor.ts";
import { valueAndGrad } from "../core/autodiff.ts";
import * as F from "../core/ops/index.ts";
import { detectShocks } from "../pde/shocks.ts";
import { modelOf, type ModelConfig } from "../nn/index.ts";
import type { RunConfig } from "../train/config.ts";
import { experimentRunConfig, experimentSettings } from "./runConfig.ts";
import { prepareRun } from "../train/setup.ts";
import { trainRun } from "../train/run.ts";
import type { Callback } from "../train/loop.ts";
import type { Tree } from "../core/tree.ts";
import { linePlot } from "../report/svgplot.ts";
import type { Experiment, ExperimentOptions, ExperimentResult, TransitionRow } from "./types.ts";

export interface CondensationSettings {
  width: number;
  teacherWidth: number;
  steps: number;
  /** Mean-field step: the optimizer's lr is eta · width. */
  eta: number;
  /** Weight decay λ₀/2 ∫|θ|² dρ of the particle measure (the optimizer's weightDecay is λ₀/width). */
  decay: number;
  every: number;
  /** Two particles belong to one cluster when closer than this (relative to the median raw particle norm; in u-space, to max |u_j|). */
  tolerance: number;
  grid: number;
  seeds: number;
}

export const CONDENSATION_DEFAULTS: CondensationSettings = {
  width: 48,
  teacherWidth: 2,
  steps: 1500,
  eta: 0.2,
  decay: 0.01,
  every: 25,
  tolerance: 0.1,
  grid: 201,
  seeds: 1,
};
export const CONDENSATION_QUICK: CondensationSettings = { ...CONDENSATION_DEFAULTS, width: 24, steps: 500, every: 50 };

export function condensationConfig(s: CondensationSettings, seed: number): RunConfig {
  return experimentRunConfig(
    {
      name: `meanfield-condensation-m${s.width}-s${seed}`,
      experiment: "meanfield-condensation",
      seed,
      model: { arch: "meanfield", input: 1, width: s.width, activation: "relu" },
      data: {
        name: "teacher-student",
        teacher: { arch: "meanfield", input: 1, width: s.teacherWidth, activation: "relu" },
        n: 200,
        trainFraction: 0.8,
        // A teacher whose two neurons are both active on the inputs (kinks at x ≈ 0 and 2.4, a = 1.55, −1.02).
        seed: 6,
      },
      optimizer: { name: "sgd", lr: s.eta * s.width, weightDecay: s.decay / s.width },
      steps: s.steps,
      logEvery: s.every,
      monitor: {
        every: s.every,
        observables: ["loss", "paramNorm", "orbitMinSqNorm", "balancedNorm", "chargeDrift"],
      },
    },
    "meanfield-condensation experiment",
  );
}

interface Particles {
  w: Float64Array;
  b: Float64Array;
  a: Float64Array;
}

function particles(p: Tree): Particles {
  const t = p as { w: Tensor; b: Tensor; a: Tensor };
  return { w: t.w.data, b: t.b.data, a: t.a.data };
}

/** Single-linkage clusters of points (rows of length d) closer than tol; returns the cluster of each point. */
export function clusters(points: number[][], tol: number): number[] {
  const n = points.length;
  const label = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (label[i] === i ? i : (label[i] = find(label[i])));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = Math.hypot(...points[i].map((v, k) => v - points[j][k]));
      if (d < tol) label[find(i)] = find(j);
    }
  return label.map(find);
}

const count = (labels: number[]) => new Set(labels).size;

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

interface FieldProbe {
  /** V(θ) for a particle at θ = (w, b, a) in the current population: −∇Ψ. */
  velocity(w: number, b: number, a: number): [number, number, number];
}

/** The velocity field of the current population ρ (the residual f_ρ − y is held fixed). */
export function fieldProbe(cfg: ModelConfig, params: Tree, x: Tensor, y: Tensor, decay = 0): FieldProbe {
  const model = modelOf(cfg);
  const r = F.sub(model.apply(params, x), y).data; // f_ρ(x) − y
  const N = x.shape[0];
  const res = new Tensor(
    Float64Array.from(r, (v) => (2 * v) / N),
    [N],
  );
  const xs = new Tensor(Float64Array.from(x.data), [N]);
  const one = (v: number) => new Tensor(Float64Array.of(v), [1]);
  const psi = valueAndGrad((th: { w: Tensor; b: Tensor; a: Tensor }) =>
    F.sum(F.mul(res, F.mul(th.a, F.relu(F.add(F.mul(xs, th.w), th.b))))),
  );
  return {
    velocity(w, b, a) {
      const g = psi({ w: one(w), b: one(b), a: one(a) }).grad;
      return [-g.w.data[0] - decay * w, -g.b.data[0] - decay * b, -g.a.data[0] - decay * a];
    },
  };
}

/** du/dt of u = a (w, b) for a particle at the balanced representative of u. */
function quotientVelocity(f: FieldProbe, u: [number, number]): [number, number] {
  const n = Math.hypot(u[0], u[1]);
  if (n === 0) return [0, 0];
  // Balanced: |a| = |(w, b)| = √|u|, a > 0, (w, b) = u/√|u|.
  const s = Math.sqrt(n);
  const w = u[0] / s,
    b = u[1] / s,
    a = s;
  const [vw, vb, va] = f.velocity(w, b, a);
  return [va * w + a * vw, va * b + a * vb];
}

interface Snapshot {
  step: number;
  rawClusters: number;
  quotientClusters: number;
  /** Effective number of atoms of the measure: (Σ μ_j)² / Σ μ_j², μ_j = |a_j| |(w_j, b_j)| = |u_j|. */
  atoms: number;
  /** Fronts of the quotient velocity profile through the largest cluster, and the nearest one's distance to it. */
  fronts: number;
  frontOffset: number | null;
  /** Largest −d(v·e)/ds along the line (the compression rate of the flow). */
  compression: number;
}

function snapshot(
  step: number,
  cfg: ModelConfig,
  params: Tree,
  x: Tensor,
  y: Tensor,
  s: CondensationSettings,
): Snapshot {
  const P = particles(params);
  const m = P.a.length;
  const raw = Array.from({ length: m }, (_, j) => [P.w[j], P.b[j], P.a[j]]);
  const u = Array.from({ length: m }, (_, j) => [P.a[j] * P.w[j], P.a[j] * P.b[j]]);
  const scaleRaw = median(raw.map((p) => Math.hypot(...p)));
  const mass = u.map((p) => Math.hypot(...p));
  const total = mass.reduce((a, b) => a + b, 0);
  const atoms = total ** 2 / mass.reduce((a, b) => a + b * b, 0);
  // Particles that carry the function (2 % of the total mass or more); the others have died away.
  const alive = u.filter((_, j) => mass[j] >= 0.02 * total);
  const scaleU = Math.max(...mass);
  const labels = clusters(alive, s.tolerance * scaleU);
  // Largest quotient cluster and its centre; the line through it along the principal axis of u.
  const sizes = new Map<number, number>();
  for (const l of labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  const big = [...sizes].sort((p, q) => q[1] - p[1])[0][0];
  const members = alive.filter((_, j) => labels[j] === big);
  const c = [0, 1].map((k) => members.reduce((acc, p) => acc + p[k], 0) / members.length) as [number, number];
  const mu = [0, 1].map((k) => alive.reduce((acc, p) => acc + p[k], 0) / alive.length);
  let sxx = 0,
    sxy = 0,
    syy = 0;
  for (const p of alive) {
    sxx += (p[0] - mu[0]) ** 2;
    sxy += (p[0] - mu[0]) * (p[1] - mu[1]);
    syy += (p[1] - mu[1]) ** 2;
  }
  const theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const e: [number, number] = [Math.cos(theta), Math.sin(theta)];
  const f = fieldProbe(cfg, params, x, y, s.decay);
  const half = 0.5 * scaleU;
  const sGrid = Array.from({ length: s.grid }, (_, i) => -half + (2 * half * i) / (s.grid - 1));
  const v = sGrid.map((t) => {
    const q = quotientVelocity(f, [c[0] + t * e[0], c[1] + t * e[1]]);
    return q[0] * e[0] + q[1] * e[1];
  });
  let compression = 0;
  for (let i = 0; i + 1 < v.length; i++)
    compression = Math.max(compression, -(v[i + 1] - v[i]) / (sGrid[i + 1] - sGrid[i]));
  const shocks = detectShocks(sGrid, v, { window: 3, offset: 1 });
  const nearest = shocks.length ? Math.min(...shocks.map((sh) => Math.abs(sh.x))) : null;
  return {
    step,
    rawClusters: count(clusters(raw, s.tolerance * scaleRaw)),
    quotientClusters: count(labels),
    atoms,
    fronts: shocks.length,
    frontOffset: nearest === null ? null : nearest / scaleU,
    compression,
  };
}

export async function runMeanfieldCondensation(
  o: ExperimentOptions & { settings?: Partial<CondensationSettings> },
): Promise<ExperimentResult> {
  const s = experimentSettings(o, CONDENSATION_DEFAULTS, CONDENSATION_QUICK);
  const runs: string[] = [];
  const transitions: TransitionRow[] = [];
  const all: Record<string, Snapshot[]> = {};
  for (let seed = 0; seed < s.seeds; seed++) {
    const config = condensationConfig(s, seed);
    const { x, y } = prepareRun(config).task.train;
    const snaps: Snapshot[] = [];
    let shockAt: number | null = null;
    const observer: Callback = {
      onStep({ step, state, record }) {
        if (step % s.every !== 0 && step !== 1) return;
        const snap = snapshot(step, config.model, state.params, x, y, s);
        snaps.push(snap);
        record.scalars["meanfield/clusters/raw"] = snap.rawClusters;
        record.scalars["meanfield/clusters/quotient"] = snap.quotientClusters;
        record.scalars["meanfield/atoms"] = snap.atoms;
        record.scalars["meanfield/velocity/compression"] = snap.compression;
        record.scalars["meanfield/velocity/fronts"] = snap.fronts;
        if (shockAt === null && snap.fronts > 0) {
          shockAt = step;
          record.events.push({
            kind: "shock",
            payload: { where: "quotient particle velocity field", offsetFromCluster: snap.frontOffset },
          });
        }
      },
    };
    const r = await trainRun({ store: o.store, config, callbacks: [observer] });
    runs.push(r.id);
    // Condensed: the first snapshot from which the quotient cluster count stays at its final value.
    const final = snaps[snaps.length - 1].quotientClusters;
    let k = snaps.length - 1;
    while (k > 0 && snaps[k - 1].quotientClusters === final) k--;
    const condensedAt = snaps[k].step;
    o.store.logEvent(r.id, {
      step: condensedAt,
      kind: "condensation",
      payload: { quotientClusters: final, rawClusters: snaps[k].rawClusters, atoms: snaps[k].atoms },
    });
    all[r.id] = snaps;
    if (condensedAt !== null)
      transitions.push({
        run: r.id,
        observable: "quotientClusters",
        kind: "quotient",
        source: "observed",
        detectedStep: condensedAt,
      });
    if (shockAt !== null)
      transitions.push({
        run: r.id,
        observable: "velocityFront",
        kind: "quotient",
        source: "shock",
        detectedStep: shockAt,
        leadSteps: condensedAt - shockAt,
      });
    const last = snaps[snaps.length - 1];
    o.log?.(
      `meanfield m=${s.width} seed=${seed}: clusters raw ${snaps[0].rawClusters}→${last.rawClusters}, ` +
        `quotient ${snaps[0].quotientClusters}→${last.quotientClusters}, ` +
        `atoms ${snaps[0].atoms.toFixed(1)}→${last.atoms.toFixed(1)}; ` +
        `condensed at ${condensedAt}, first velocity front at ${shockAt ?? "—"}`,
    );
  }
  const first = all[runs[0]];
  const steps = first.map((q) => q.step);
  const figure = linePlot({
    series: [
      { label: "clusters in θ-space (raw)", x: steps, y: first.map((q) => q.rawClusters), color: "#d62728" },
      {
        label: "clusters in u = a(w, b) (quotient)",
        x: steps,
        y: first.map((q) => q.quotientClusters),
        color: "#2ca02c",
      },
      { label: "effective atoms (Σμ)²/Σμ²", x: steps, y: first.map((q) => q.atoms), color: "#1f77b4" },
      { label: "velocity fronts (shocks)", x: steps, y: first.map((q) => q.fronts), color: "#000", dash: "4 3" },
    ],
    title: `Mean-field condensation: ${s.width} particles learning a ${s.teacherWidth}-neuron teacher`,
    xLabel: "step",
    yLabel: "count",
    width: 760,
    height: 420,
  });
  return {
    experiment: "meanfield-condensation",
    runs,
    transitions,
    summary: { settings: s, snapshots: all },
    figures: { "meanfield-condensation": figure },
  };
}

export const meanfieldCondensation: Experiment = {
  name: "meanfield-condensation",
  description:
    "mean-field particles condensing onto a teacher's neurons: clusters raw vs quotient, and the shock of the particle velocity field",
  run: (o) => runMeanfieldCondensation(o),
};
