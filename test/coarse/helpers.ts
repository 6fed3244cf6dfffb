/** Shared fixtures and statistical assertions of the local-entropy tests. */
import assert from "node:assert/strict";
import { Tensor } from "../../src/core/tensor.ts";
import { type Key, key, split, normal, normalArray, foldIn } from "../../src/core/random.ts";
import { modelOf, parseModelConfig, type Model } from "../../src/nn/index.ts";
import { ravel, unravel, type Tree } from "../../src/core/tree.ts";
import { mnistDigits } from "../../src/data/index.ts";
import { gemmThreads, setGemmThreads } from "../../src/core/backends/gemm/index.ts";
import { adam } from "../../src/optim/index.ts";
import { modelObjective, orthonormalize, type LocalEntropyResult, type Objective } from "../../src/coarse/index.ts";

/** Absolute slack for deterministic comparisons whose error estimate can round to 0. */
export const ROUNDOFF = 1e-12;

/** |est − ref| ≤ k·se (+ roundoff): the "within k standard errors" check. Returns the z-score. */
export function assertWithin(est: number, ref: number, se: number, what: string, k = 3): number {
  assert.ok(Number.isFinite(est) && Number.isFinite(se), `${what}: estimate ${est} ± ${se} not finite`);
  const z = (est - ref) / se;
  assert.ok(
    Math.abs(est - ref) <= k * se + ROUNDOFF * (1 + Math.abs(ref)),
    `${what}: ${est} vs ${ref}: |Δ| = ${Math.abs(est - ref).toExponential(2)} > ` +
      `${k}·se = ${(k * se).toExponential(2)} (z = ${z.toFixed(2)})`,
  );
  return z;
}

/** Two estimates agree within k combined standard errors √(sa² + sb²). Returns the z-score. */
export function assertAgree(a: number, sa: number, b: number, sb: number, what: string, k = 3): number {
  return assertWithin(a, b, Math.hypot(sa, sb), what, k);
}

/** Per-coordinate version of assertWithin for vectors. Returns the z-scores. */
export function assertVecWithin(
  est: ArrayLike<number>,
  ref: ArrayLike<number>,
  se: ArrayLike<number>,
  what: string,
  k = 3,
): number[] {
  assert.equal(est.length, ref.length, `${what}: lengths`);
  return Array.from({ length: est.length }, (_, i) => assertWithin(est[i], ref[i], se[i], `${what}[${i}]`, k));
}

export function assertVecAgree(
  a: ArrayLike<number>,
  sa: ArrayLike<number>,
  b: ArrayLike<number>,
  sb: ArrayLike<number>,
  what: string,
  k = 3,
): number[] {
  return Array.from({ length: a.length }, (_, i) => assertAgree(a[i], sa[i], b[i], sb[i], `${what}[${i}]`, k));
}

/** A random symmetric n×n matrix Q diag(λ) Qᵀ with the given eigenvalues (Q from Gram–Schmidt). */
export function symmetricWithEigenvalues(k: Key, lambdas: readonly number[]): { A: number[][]; Q: Float64Array[] } {
  const n = lambdas.length;
  const Q = orthonormalize(Array.from({ length: n }, (_, i) => normalArray(foldIn(k, i), n)))!;
  const A = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => lambdas.reduce((s, l, m) => s + l * Q[m][i] * Q[m][j], 0)),
  );
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i][j] = A[j][i]; // exact symmetry
  return { A, Q };
}

export interface Network {
  model: Model;
  params: Tree;
  X: Tensor;
  Y: Tensor;
  objective: Objective;
  x0: Float64Array;
}

/**
 * The network of the agreement and PDE tests: a tanh MLP 2 → 6 → 1 (25 parameters) with mse on
 * 16 points of y = sin(2x₁) + x₂/2, at its seeded initialisation (a generic, non-critical point).
 */
export function tinyNetwork(seed = 7): Network {
  const model = modelOf(parseModelConfig({ arch: "mlp", sizes: [2, 6, 1], activation: "tanh" }));
  const [kp, kx] = split(key(seed), 2);
  const params = model.init(kp);
  const X = normal(kx, [16, 2]);
  const Y = new Tensor(
    Float64Array.from({ length: 16 }, (_, i) => Math.sin(2 * X.data[2 * i]) + 0.5 * X.data[2 * i + 1]),
    [16, 1],
  );
  return { model, params, X, Y, objective: modelObjective(model, params, X, Y, "mse"), x0: ravel(params) };
}

/** The error bars of a result whose diagnostics must have held (fails the test with the reason otherwise). */
export function certified(r: LocalEntropyResult): { stderr: number; gradStderr: Float64Array; gradNormStderr: number } {
  assert.ok(r.reliability.certified, `${r.estimator}: error bars withdrawn: ${r.reliability.reason}`);
  assert.ok(r.stderr !== null && r.gradStderr !== null && r.gradNormStderr !== null);
  return { stderr: r.stderr, gradStderr: r.gradStderr, gradNormStderr: r.gradNormStderr };
}

/**
 * A small trained MNIST MLP: N digits spread over all ten classes (every (10000/N)-th of the
 * shipped set), 4×4-average-pooled to 7×7, a tanh MLP 49 → hidden → 10 with cross-entropy, trained
 * by full-batch Adam (lr 0.02) from a seeded initialisation. Returns the loss as an Objective and
 * the trained weights.
 */
export function trainedMnistMlp(hidden: number, N: number, steps: number): { objective: Objective; x0: Float64Array } {
  const { x, y } = mnistDigits();
  const total = x.shape[0];
  const X = new Float64Array(N * 49);
  const Y = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const src = Math.floor((i * total) / N);
    Y[i] = y.data[src];
    for (let a = 0; a < 7; a++)
      for (let b = 0; b < 7; b++) {
        let s = 0;
        for (let u = 0; u < 4; u++) for (let v = 0; v < 4; v++) s += x.data[src * 784 + (4 * a + u) * 28 + 4 * b + v];
        X[i * 49 + a * 7 + b] = s / 16;
      }
  }
  const model = modelOf(parseModelConfig({ arch: "mlp", sizes: [49, hidden, 10], activation: "tanh" }));
  let params = model.init(key(1));
  const objective = modelObjective(model, params, new Tensor(X, [N, 49]), new Tensor(Y, [N]), "xent");
  const opt = adam({});
  let state = opt.init(params);
  for (let k = 0; k < steps; k++) {
    const g = objective.valueAndGrad!(ravel(params)).grad;
    const next = opt.step(params, unravel(params, g), state, { lr: 0.02, key: key(k) });
    params = next.params;
    state = next.state;
  }
  return { objective, x0: ravel(params) };
}

/** The result without the fields that say how the chains or replicates ran (1 or 2 threads). */
export function withoutThreads(r: LocalEntropyResult): unknown {
  const { chainThreads, chainThreadsNote, ...details } = r.details;
  void chainThreads;
  void chainThreadsNote;
  return { ...r, details };
}

/** f() with `threads` threads asked for (setGemmThreads), restored afterwards. */
export function atThreads<T>(threads: number, f: () => T): T {
  const before = gemmThreads();
  setGemmThreads(threads);
  try {
    return f();
  } finally {
    setGemmThreads(before);
  }
}

/** A relu MLP 3 → 5 → 3 with cross-entropy on 12 labelled points (a portable objective). */
export function reluXent(): { objective: Objective; x0: Float64Array } {
  const model = modelOf(parseModelConfig({ arch: "mlp", sizes: [3, 5, 3], activation: "relu" }));
  const [kp, kx] = split(key(21), 2);
  const params = model.init(kp);
  const Y = new Tensor(
    Float64Array.from({ length: 12 }, (_, i) => i % 3),
    [12],
  );
  return { objective: modelObjective(model, params, normal(kx, [12, 3]), Y, "xent"), x0: ravel(params) };
}
