/**
 * Building blocks: slices (directions, the restricted objective, its chain-rule gradient and HVP),
 * Lanczos Hessian directions, the Jacobi eigensolver, the tree/model adapters, and the statistics
 * (log-sum-exp, batch means on an AR(1) chain with a known long-run variance, R̂, Simpson).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, foldIn, normalArray } from "../../src/core/random.ts";
import { hvp, valueAndGrad } from "../../src/core/autodiff.ts";
import { ravel, leaves, unflatten, type Tree } from "../../src/core/tree.ts";
import { Tensor } from "../../src/core/tensor.ts";
import { mse } from "../../src/nn/index.ts";
import {
  BatchMeans,
  hessianDirections,
  logSumExp,
  mappedObjective,
  orthonormalize,
  pooledBatchMeans,
  quadraticObjective,
  randomDirections,
  rHat,
  simpsonWeights,
  sliceObjective,
  treeObjective,
} from "../../src/coarse/index.ts";
import { symmetricWithEigenvalues, tinyNetwork } from "./helpers.ts";

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

test("orthonormalize gives QᵀQ = I and rejects dependent vectors; randomDirections are orthonormal and keyed", () => {
  const q = orthonormalize([
    [1, 2, 3],
    [0, 1, 1],
    [2, 0, 1],
  ])!;
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(dot(q[i], q[j]) - (i === j ? 1 : 0)) < 1e-14);
  assert.equal(
    orthonormalize([
      [1, 2],
      [2, 4],
    ]),
    null,
  );
  const d = randomDirections(key(1), 25, 2);
  assert.ok(Math.abs(dot(d[0], d[1])) < 1e-14 && Math.abs(dot(d[0], d[0]) - 1) < 1e-14);
  assert.deepEqual(randomDirections(key(1), 25, 2), d);
  assert.notDeepEqual(randomDirections(key(2), 25, 2), d);
});

test("hessianDirections (Lanczos) finds the extreme eigenpairs of a known 10-D Hessian", () => {
  const lambdas = [-0.3, -0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0];
  const { A, Q } = symmetricWithEigenvalues(key(21), lambdas);
  const f = quadraticObjective(A, new Array(10).fill(0));
  const x = new Float64Array(10);
  const top = hessianDirections(f, x, 2, { key: key(3) });
  const bottom = hessianDirections(f, x, 2, { key: key(3), which: "smallest" });
  assert.ok(
    Math.abs(top.eigenvalues[0] - 2) < 1e-12 && Math.abs(top.eigenvalues[1] - 1.6) < 1e-12,
    `${top.eigenvalues}`,
  );
  assert.ok(
    Math.abs(bottom.eigenvalues[0] + 0.3) < 1e-12 && Math.abs(bottom.eigenvalues[1] + 0.1) < 1e-12,
    `${bottom.eigenvalues}`,
  );
  assert.ok(Math.abs(Math.abs(dot(top.directions[0], Q[9])) - 1) < 1e-10);
  assert.ok(Math.abs(Math.abs(dot(bottom.directions[0], Q[0])) - 1) < 1e-10);
  for (const r of [...top.residuals, ...bottom.residuals]) assert.ok(r < 1e-10);
  const net = tinyNetwork();
  const h = hessianDirections(net.objective, net.x0, 1, { key: key(4) });
  assert.ok(h.residuals[0] < 1e-8 * Math.abs(h.eigenvalues[0]), `network Ritz residual ${h.residuals[0]}`);
});

test("slice objective: g(s) = f(x + Σ sᵢdᵢ), ∇g = Dᵀ∇f by the chain rule (vs FD), HVP = Dᵀ∇²f D v (vs FD of ∇g)", () => {
  const net = tinyNetwork();
  const dirs = [normalArray(foldIn(key(8), 0), 25), normalArray(foldIn(key(8), 1), 25)];
  const sl = sliceObjective(net.objective, net.x0, dirs);
  const s = Float64Array.of(0.3, -0.2);
  const y = Float64Array.from(net.x0, (v, i) => v + 0.3 * sl.directions[0][i] - 0.2 * sl.directions[1][i]);
  assert.ok(Math.abs(sl.objective.value(s) - net.objective.value(y)) < 1e-15);
  const g = sl.objective.valueAndGrad!(s).grad;
  const v = Float64Array.of(0.6, 0.8);
  const Hv = sl.objective.hvp!(s, v);
  const e = 1e-5;
  for (let i = 0; i < 2; i++) {
    const sp = Float64Array.from(s);
    const sm = Float64Array.from(s);
    sp[i] += e;
    sm[i] -= e;
    assert.ok(Math.abs((sl.objective.value(sp) - sl.objective.value(sm)) / (2 * e) - g[i]) < 1e-9, "∇g vs FD");
  }
  const gp = sl.objective.valueAndGrad!(Float64Array.from(s, (c, i) => c + e * v[i])).grad;
  const gm = sl.objective.valueAndGrad!(Float64Array.from(s, (c, i) => c - e * v[i])).grad;
  for (let i = 0; i < 2; i++) assert.ok(Math.abs((gp[i] - gm[i]) / (2 * e) - Hv[i]) < 1e-8, "HVP vs FD");
  // a map without pullback falls back to central differences
  const fd = mappedObjective(net.objective, {
    dim: 2,
    map: (ss) => Float64Array.from(net.x0, (c, i) => c + ss[0] * sl.directions[0][i] + ss[1] * sl.directions[1][i]),
  });
  const gfd = fd.valueAndGrad!(s).grad;
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(gfd[i] - g[i]) < 1e-8);
});

test("treeObjective: value, gradient and HVP equal the autodiff on the param tree", () => {
  const net = tinyNetwork();
  const loss = (p: Tree) => mse(net.model.apply(p, net.X), net.Y);
  const obj = treeObjective(loss, net.params);
  const vg = valueAndGrad(loss)(net.params);
  assert.equal(obj.value(net.x0), vg.value.item());
  assert.deepEqual(Array.from(obj.valueAndGrad!(net.x0).grad), Array.from(ravel(vg.grad)));
  const v = normalArray(key(9), obj.dim);
  const direct = hvp(loss)(net.params, treeObjectiveTree(net.params, v));
  assert.deepEqual(Array.from(obj.hvp!(net.x0, v)), Array.from(ravel(direct.hvp)));
});

/** The vector v as a tree shaped like `template` (fresh leaves, built from leaves/unflatten, not unravel). */
function treeObjectiveTree(template: Tree, v: Float64Array): Tree {
  let off = 0;
  return unflatten(
    template,
    leaves(template).map((l) => new Tensor(v.slice(off, (off += l.size)), l.shape)),
  );
}

test("statistics: log-sum-exp without overflow; batch means recover the AR(1) long-run variance; R̂; Simpson", () => {
  assert.equal(logSumExp([1000, 1000]), 1000 + Math.LN2);
  assert.equal(logSumExp([]), -Infinity);
  assert.ok(Math.abs(logSumExp([-1e4, Math.log(3)]) - Math.log(3)) < 1e-15);
  // AR(1) y_k = ρy_{k−1} + √(1−ρ²)ξ_k: stationary variance 1, long-run variance (1+ρ)/(1−ρ)
  const rho = 0.9;
  const chains = [0, 1, 2, 3].map((c) => {
    const bm = new BatchMeans(1, 250);
    const xi = normalArray(key(100 + c), 25000);
    let y = xi[0];
    for (let k = 0; k < 25000; k++) {
      y = rho * y + Math.sqrt(1 - rho * rho) * xi[k];
      bm.push([y]);
    }
    return bm;
  });
  const pooled = pooledBatchMeans(chains);
  const want = Math.sqrt((1 + rho) / (1 - rho) / 100000);
  assert.ok(Math.abs(pooled.se[0] / want - 1) < 0.25, `batch-means se ${pooled.se[0]} vs ${want}`);
  assert.ok(Math.abs(pooled.mean[0]) < 3 * pooled.se[0]);
  assert.ok(Math.abs(pooled.variance[0] - 1) < 0.1, `variance ${pooled.variance[0]}`);
  assert.ok(rHat(chains)[0] < 1.02, `R̂ ${rHat(chains)[0]}`);
  const shifted = new BatchMeans(1, 250);
  for (const z of normalArray(key(7), 25000)) shifted.push([3 + z]); // a chain stuck in another mode
  assert.ok(rHat([...chains, shifted])[0] > 1.5);
  // Simpson is exact for cubics: ∫₀¹ y³ dy = 1/4
  const w = simpsonWeights(8, 1 / 8);
  assert.ok(Math.abs(w.reduce((s, wk, k) => s + wk * (k / 8) ** 3, 0) - 0.25) < 1e-15);
});
