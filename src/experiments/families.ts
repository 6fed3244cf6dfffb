/**
 * The small trained networks `shocklens verify` examines, one per model family
 * (docs/gradient-field.md §verify): a teacher–student regression task of the same family (seeded
 * data), a student trained by mini-batch SGD, its balanced (canonical) representative θ₀, and a
 * 2-D chart through θ₀ spanned by the top and bottom eigenvectors of the quotient (horizontal)
 * Hessian.
 */
import type { Tensor } from "../core/tensor.ts";
import { type Key, foldIn, key as keyOf } from "../core/random.ts";
import { type Tree, ravel, unravel } from "../core/tree.ts";
import { modelOf, parseModelConfig, lossFn, type ModelConfig } from "../nn/index.ts";
import { FAMILIES as FAMILY_RECORDS, groupOf, type Arch } from "../nn/registry.ts";
import { oneOf } from "../validate.ts";
import { type SymmetryGroup } from "../symmetry/index.ts";
import { loadTask } from "../data/index.ts";
import { hessianOperator, extremeEigenpairs } from "../curvature/index.ts";
import { optimizerSpec, type Dynamics, type Problem } from "../gradientfield/stepper.ts";
import { runTrajectory } from "../gradientfield/trajectory.ts";
import { affineChart, type Chart } from "../gradientfield/quotientFrame.ts";

/** The registered model families (src/nn/registry.ts); each needs a spec below. */
export const FAMILIES = FAMILY_RECORDS.map((f) => f.arch);
export type Family = Arch;

interface FamilySpec {
  student: Record<string, unknown>;
  teacher: Record<string, unknown>;
  samples: number;
  lr: number;
  batchSize: number;
  steps: number;
}

const CNN_STUDENT = {
  arch: "cnn",
  input: [1, 6, 6],
  conv: [{ out: 3, kernel: 3, padding: 0, pool: 2 }],
  fc: [1],
  activation: "relu",
};
const TRANSFORMER_STUDENT = {
  arch: "transformer",
  vocab: 4,
  seq: 3,
  d: 4,
  heads: 2,
  dHead: 2,
  layers: 1,
  mlp: 6,
  norm: "none",
  activation: "gelu",
  causal: true,
  readout: "last",
};

/** Tiny members of each family: every symmetry block has closed-form invariants. */
const SPECS: Record<Family, FamilySpec> = {
  mlp: {
    student: { arch: "mlp", sizes: [3, 8, 1], activation: "relu" },
    teacher: { arch: "mlp", sizes: [3, 4, 1], activation: "relu" },
    samples: 64,
    lr: 0.05,
    batchSize: 8,
    steps: 400,
  },
  cnn: {
    student: CNN_STUDENT,
    // The teacher is the student with two convolution channels instead of three.
    teacher: { ...CNN_STUDENT, conv: [{ ...CNN_STUDENT.conv[0], out: 2 }] },
    samples: 64,
    lr: 0.05,
    batchSize: 8,
    steps: 400,
  },
  transformer: {
    student: TRANSFORMER_STUDENT,
    // The teacher is the student with one head and a narrower MLP.
    teacher: { ...TRANSFORMER_STUDENT, heads: 1, mlp: 4 },
    samples: 48,
    lr: 0.05,
    batchSize: 8,
    steps: 400,
  },
  meanfield: {
    student: { arch: "meanfield", input: 2, width: 8, activation: "relu", bias: true },
    teacher: { arch: "meanfield", input: 2, width: 3, activation: "relu", bias: true },
    samples: 64,
    lr: 0.5,
    batchSize: 8,
    steps: 400,
  },
};

export function parseFamily(v: string, option = "--arch"): Family {
  return oneOf(v, option, FAMILIES);
}

export interface FamilySetup {
  family: Family;
  config: ModelConfig;
  group: SymmetryGroup;
  problem: Problem;
  /** The SGD the student was trained with (also the drift the tests examine). */
  training: Extract<Dynamics, { kind: "step" }>;
  steps: number;
  lossInitial: number;
  lossTrained: number;
  /** Balanced representative of the trained student (flat). */
  theta0: Float64Array;
  /** Orthonormal horizontal directions: top and bottom eigenvectors of the quotient Hessian. */
  directions: Float64Array[];
  curvature: [number, number];
  chart: Chart;
  loss(theta: Float64Array): number;
}

/** Builds, trains and charts the family's network for a seed. */
export function setupFamily(family: Family, seed: number): FamilySetup {
  const spec = SPECS[family];
  const root = keyOf(seed);
  const config = parseModelConfig(spec.student);
  const model = modelOf(config);
  const group = groupOf(config);
  const task = loadTask(
    {
      name: "teacher-student",
      teacher: parseModelConfig(spec.teacher),
      n: spec.samples,
      noise: 0.05,
      inputStd: 1,
      trainFraction: 1,
      seed: seed + 1,
    },
    foldIn(root, 1),
  );
  const template = model.init(foldIn(root, 2));
  const problem: Problem = { model, template, x: task.train.x, y: task.train.y, loss: "mse" };
  const L = lossFn("mse");
  const loss = (theta: Float64Array) => L(model.apply(unravel(template, theta), problem.x), problem.y).item();
  const training: Extract<Dynamics, { kind: "step" }> = {
    kind: "step",
    optimizer: optimizerSpec({ name: "sgd", lr: spec.lr }),
    batchSize: spec.batchSize,
    replacement: false,
  };
  const init = ravel(template);
  const trained = runTrajectory(problem, training, init, spec.steps, foldIn(root, 3), () => {});
  const theta0 = ravel(group.canonicalize(unravel(template, trained)));
  const { directions, curvature } = horizontalDirections(group, problem, theta0, foldIn(root, 4));
  return {
    family,
    config,
    group,
    problem,
    training,
    steps: spec.steps,
    lossInitial: loss(init),
    lossTrained: loss(theta0),
    theta0,
    directions,
    curvature,
    chart: affineChart(
      theta0,
      directions,
      "θ₀ + s₁d₁ + s₂d₂: θ₀ the balanced representative, d₁, d₂ the top and bottom quotient-Hessian eigenvectors",
    ),
    loss,
  };
}

/** Top and bottom eigenvectors of P_H ∇²L P_H at θ₀ (Lanczos), orthonormal and horizontal. */
export function horizontalDirections(
  group: SymmetryGroup,
  problem: Problem,
  theta0: Float64Array,
  k: Key,
): { directions: Float64Array[]; curvature: [number, number] } {
  const L = lossFn(problem.loss);
  const f = (p: Tree): Tensor => L(problem.model.apply(p, problem.x), problem.y);
  const params = unravel(problem.template, theta0);
  const P = group.horizontalProjector(params);
  const r = extremeEigenpairs(hessianOperator(f, params), {
    k: 1,
    steps: Math.min(theta0.length, 60),
    key: k,
    project: P.projectFlat,
    vectors: true,
  });
  const d1 = r.top.vectors![0],
    d2 = r.bottom.vectors![0];
  // Re-orthogonalise against the first direction (Ritz vectors are orthogonal up to rounding).
  let c = 0;
  for (let i = 0; i < d1.length; i++) c += d1[i] * d2[i];
  const e = d2.map((v, i) => v - c * d1[i]);
  const ne = Math.hypot(...e);
  return { directions: [d1, e.map((v) => v / ne)], curvature: [r.top.values[0], r.bottom.values[0]] };
}
