/**
 * Importance sampling from the Laplace proposal (docs/local-entropy.md §laplace) and the mode
 * search under it (docs/local-entropy.md §modes): exact for quadratic losses (docs/theory.md §C1) far outside the kernel's reach, dense
 * and low-rank (Lanczos) curvature, Newton and L-BFGS finding the same mode, the Laplace value
 * (docs/theory.md §C9), and both modes of a kernel with a minor second mode.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normalArray, foldIn } from "../../src/core/random.ts";
import { quadraticSolution } from "../../src/pde/exact/quadratic.ts";
import { calibrationProblem } from "../../src/coarse/calibrationProblems.ts";
import { denseHessian } from "../../src/coarse/gaussian.ts";
import {
  localEntropy,
  quadraticObjective,
  findMode,
  searchModes,
  DENSE_MAX,
  type LocalEntropyResult,
  type Objective,
} from "../../src/coarse/index.ts";
import { certified, symmetricWithEigenvalues } from "./helpers.ts";

function laplace(obj: Objective, x: Float64Array, t: number, beta: number, seed = 1): LocalEntropyResult {
  return localEntropy(obj, x, { method: "importance", proposal: "laplace", t, beta, seed });
}

test("docs/theory.md §C1, indefinite A, n = 4 and 40, β·t·|∇f|² = 1e4: u and ∇u exact to rounding, with a tiny but positive stderr", () => {
  for (const n of [4, 40]) {
    const p = calibrationProblem("quadratic", n, 1e4, key(n));
    const r = laplace(p.objective, p.x, p.t, p.beta);
    const e = certified(r);
    assert.equal(r.details.controlVariate, true);
    assert.ok(Math.abs((r.u as number) - p.u) <= 1e-9 * Math.max(1, Math.abs(p.u)), `n = ${n}: u ${r.u} vs ${p.u}`);
    for (let j = 0; j < n; j++) assert.ok(Math.abs(r.grad[j] - p.grad[j]) <= 1e-8 * (1 + Math.abs(p.grad[j])));
    assert.ok(e.stderr > 0 && e.stderr < 1e-8, `stderr ${e.stderr}`);
    // kernel importance sampling is hopeless here and says so
    const k = localEntropy(p.objective, p.x, { method: "importance", t: p.t, beta: p.beta, seed: 1 });
    assert.equal(k.stderr, null);
  }
});

test(`low-rank curvature (n = 150 > ${DENSE_MAX}: L-BFGS mode, Lanczos fit): a rank-5 quadratic is still exact within its stderr`, () => {
  const n = 150;
  const lam = [3, 1.5, -0.8, 0.5, 2];
  const V = Array.from({ length: 5 }, (_, i) => normalArray(foldIn(key(31), i), n));
  // orthonormalise the 5 directions, then A = Σ λᵢ vᵢvᵢᵀ
  for (let i = 0; i < 5; i++) {
    for (let k = 0; k < i; k++) {
      const d = V[i].reduce((s, v, j) => s + v * V[k][j], 0);
      for (let j = 0; j < n; j++) V[i][j] -= d * V[k][j];
    }
    const nv = Math.hypot(...V[i]);
    for (let j = 0; j < n; j++) V[i][j] /= nv;
  }
  const A = Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => lam.reduce((s, l, i) => s + l * V[i][a] * V[i][b], 0)),
  );
  for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) A[a][b] = A[b][a];
  const b = Array.from(normalArray(key(32), n), (v) => 0.5 * v);
  const x = normalArray(key(33), n).map((v) => 0.2 * v);
  const [t, beta] = [0.5, 50];
  const exact = quadraticSolution(A, b, 0);
  const r = laplace(quadraticObjective(A, b, 0), x, t, beta);
  const e = certified(r);
  const uEx = exact.u([...x], t, beta);
  assert.ok(Math.abs((r.u as number) - uEx) <= 4 * e.stderr, `u ${r.u} vs ${uEx} ± ${e.stderr}`);
  assert.ok(e.stderr < 1e-6, `stderr ${e.stderr}`);
  const pEx = exact.p([...x], t);
  let worst = 0;
  for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(r.grad[j] - pEx[j]) / e.gradStderr[j]);
  assert.ok(worst <= 5, `max |z| of ∇u over ${n} coordinates: ${worst}`);
});

test("Newton and L-BFGS find the same mode of U = f + |y − x|²/(2t) on a rotated quartic; the Laplace value is theory §C9", () => {
  const p = calibrationProblem("quartic", 6, 100, key(5));
  const s = { x: p.x, t: p.t, beta: p.beta };
  const newton = findMode(p.objective, p.x, { ...s, dense: true });
  const lbfgs = findMode(p.objective, p.x, { ...s, dense: false });
  assert.ok(newton.converged && lbfgs.converged);
  const sigma = Math.sqrt(p.t / p.beta);
  for (let j = 0; j < 6; j++) assert.ok(Math.abs(newton.y[j] - lbfgs.y[j]) < 1e-5 * sigma, `coordinate ${j}`);
  // ∇U(y*) = 0
  const g = p.objective.valueAndGrad!(newton.y).grad.map((v, j) => v + (newton.y[j] - p.x[j]) / p.t);
  assert.ok(Math.hypot(...g) < 1e-8, `|∇U| = ${Math.hypot(...g)}`);
  // docs/theory.md §C9: u_Laplace = U(y*) + (1/2β) log det(I + t∇²f(y*)), the Laplace evidence of the one mode
  const H = denseHessian(p.objective, newton.y);
  let logDet = 0;
  const M = Array.from({ length: 6 }, (_, i) =>
    Array.from({ length: 6 }, (_, j) => (i === j ? 1 : 0) + p.t * H[6 * i + j]),
  );
  // Cholesky log-determinant of I + tH (≻ 0 at a minimum of U)
  const L = M.map((r) => r.map(() => 0));
  for (let j = 0; j < 6; j++) {
    let d = M[j][j];
    for (let k = 0; k < j; k++) d -= L[j][k] ** 2;
    L[j][j] = Math.sqrt(d);
    logDet += 2 * Math.log(L[j][j]);
    for (let i = j + 1; i < 6; i++) {
      let v = M[i][j];
      for (let k = 0; k < j; k++) v -= L[i][k] * L[j][k];
      L[i][j] = v / L[j][j];
    }
  }
  const r = laplace(p.objective, p.x, p.t, p.beta);
  const c9 = newton.U + logDet / (2 * p.beta);
  assert.ok(
    Math.abs((r.details.laplaceU as number) - c9) < 1e-8,
    `laplaceU ${r.details.laplaceU} vs the Laplace value ${c9}`,
  );
  // and the importance-sampling correction to it is what makes u right
  const e = certified(r);
  assert.ok(Math.abs((r.u as number) - p.u) <= 4 * e.stderr, `u ${r.u} vs ${p.u} ± ${e.stderr}`);
});

test("mode search: both modes of a kernel with a minor second mode (Laplace mass shares ≈ 97.6% / 2.4%), non-convexity seen", () => {
  const p = calibrationProblem("minor-mode", 3, 100, key(3));
  const s = searchModes(p.objective, { x: p.x, t: p.t, beta: p.beta, key: key(4) });
  assert.equal(s.modes.length, 2);
  assert.ok(s.nonconvex);
  const [major, minor] = s.modes;
  assert.ok(Math.abs(major.y[0] + 0.99) < 0.02 && Math.abs(minor.y[0] - 0.92) < 0.02, `${major.y[0]}, ${minor.y[0]}`);
  const share = 1 / (1 + Math.exp(major.logMass - minor.logMass));
  assert.ok(share > 0.015 && share < 0.035, `minor share ${share}`);
  const r = laplace(p.objective, p.x, p.t, p.beta);
  assert.equal(r.details.modesKept, 2);
  const e = certified(r);
  assert.ok(Math.abs(r.grad[0] - p.grad[0]) <= 4 * e.gradStderr[0], `∇u₀ ${r.grad[0]} vs ${p.grad[0]}`);
});

test("a 10-D quadratic near x (β·t·|∇f|² small): laplace and kernel importance sampling agree, both certified", () => {
  const { A } = symmetricWithEigenvalues(key(41), [-0.3, 0.1, 0.4, 0.8, 1, 1.2, 1.5, 2, 2.5, 3]);
  const b = Array.from(normalArray(key(42), 10), (v) => 0.05 * v);
  const f = quadraticObjective(A, b, 0);
  const x = normalArray(key(43), 10).map((v) => 0.05 * v);
  const lap = laplace(f, x, 0.5, 4);
  const ker = localEntropy(f, x, { method: "importance", t: 0.5, beta: 4, seed: 2, samples: 8192 });
  const [el, ek] = [certified(lap), certified(ker)];
  assert.ok(Math.abs((lap.u as number) - (ker.u as number)) <= 4 * Math.hypot(el.stderr, ek.stderr));
});
