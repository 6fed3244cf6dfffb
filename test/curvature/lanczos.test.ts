/**
 * Lanczos, Hutchinson and SLQ against dense oracles: the dense Hessian of tiny models (built from
 * exact HVPs, cross-checked by finite differences in test/core), its restriction to the horizontal
 * space of the model's symmetry group, and random symmetric matrices.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, split, normalArray } from "../../src/core/random.ts";
import { checkHvp } from "../../src/core/gradcheck.ts";
import { groupOf } from "../../src/nn/index.ts";
import {
  extremeEigenpairs,
  hessianOperator,
  restrictedOperator,
  denseMatrix,
  hutchinsonTrace,
  spectralDensity,
  symEig,
  matmul,
  rademacher,
  type LinearOperator,
} from "../../src/curvature/index.ts";
import { makeCase } from "../symmetry/helpers.ts";

function denseOp(A: Float64Array, n: number): LinearOperator {
  return { n, apply: (v) => matmul(A, v, n, n, 1) };
}

const cases = [
  makeCase("mlp", { arch: "mlp", sizes: [3, 4, 2], activation: "relu" }, "mse", 2, 8),
  makeCase(
    "transformer",
    {
      arch: "transformer",
      vocab: 3,
      seq: 3,
      d: 2,
      heads: 1,
      dHead: 2,
      layers: 1,
      mlp: 2,
      norm: "layernorm",
      activation: "relu",
    },
    "xent",
    3,
    5,
  ),
];

for (const c of cases) {
  test(`Lanczos top-3/bottom-3 eigenpairs = dense Hessian spectrum (${c.label})`, () => {
    assert.ok(checkHvp(c.f, c.params, key(1), { eps: 1e-6 }).maxRelError < 1e-6);
    const op = hessianOperator(c.f, c.params);
    const H = denseMatrix(op);
    const n = op.n;
    const { values } = symEig(H, n);
    const scale = Math.max(Math.abs(values[0]), Math.abs(values[n - 1]));
    const r = extremeEigenpairs(op, { k: 3, steps: n, key: key(5), vectors: true });
    // Krylov space of a random start holds one vector per distinct eigenvalue; the extreme ones are exact.
    for (let i = 0; i < 3; i++) {
      assert.ok(
        Math.abs(r.top.values[i] - values[n - 1 - i]) < 1e-10 * scale,
        `top ${i}: ${r.top.values[i]} vs ${values[n - 1 - i]}`,
      );
      assert.ok(
        Math.abs(r.bottom.values[i] - values[i]) < 1e-10 * scale,
        `bottom ${i}: ${r.bottom.values[i]} vs ${values[i]}`,
      );
    }
    const x = (r.top.vectors as Float64Array[])[0];
    const Hx = op.apply(x);
    const res = Math.sqrt(Hx.reduce((s, v, i) => s + (v - r.top.values[0] * x[i]) ** 2, 0));
    assert.ok(res < 1e-9 * scale, `Ritz residual ${res}`);
  });

  test(`Lanczos on P H P from a horizontal start = spectrum of Bᵀ H B on the horizontal space (${c.label})`, () => {
    const G = groupOf(c.cfg);
    const at = G.canonicalize(c.params);
    const P = G.horizontalProjector(at);
    const op = hessianOperator(c.f, at);
    const n = op.n;
    const H = denseMatrix(op);
    // Orthonormal basis B of range(P): eigenvectors of the dense projector with eigenvalue 1.
    const Pm = denseMatrix({ n, apply: P.projectFlat });
    const pe = symEig(Pm, n);
    const cols = [...pe.values]
      .map((v, i) => [v, i] as const)
      .filter(([v]) => v > 0.5)
      .map(([, i]) => i);
    assert.equal(cols.length, P.horizontalDim);
    assert.equal(pe.values.filter((v) => Math.abs(v) > 1e-10 && Math.abs(v - 1) > 1e-10).length, 0, "P is a projector");
    const h = cols.length;
    const B = new Float64Array(n * h);
    cols.forEach((col, j) => {
      for (let i = 0; i < n; i++) B[i * h + j] = pe.vectors[i * n + col];
    });
    const BtHB = matmul(B, matmul(H, B, n, n, h), h, n, h, { transA: true });
    const { values } = symEig(BtHB, h);
    const scale = Math.max(Math.abs(values[0]), Math.abs(values[h - 1]));
    const r = extremeEigenpairs(restrictedOperator(op, P.projectFlat), {
      k: 2,
      steps: n,
      key: key(9),
      project: P.projectFlat,
    });
    assert.ok(r.steps <= h);
    for (let i = 0; i < 2; i++) {
      assert.ok(Math.abs(r.top.values[i] - values[h - 1 - i]) < 1e-10 * scale);
      assert.ok(Math.abs(r.bottom.values[i] - values[i]) < 1e-10 * scale, `${r.bottom.values[i]} vs ${values[i]}`);
    }
    // The restriction really removes directions: with vertical directions the raw spectrum differs.
    assert.ok(P.verticalRank > 0);
  });
}

test("Hutchinson: exact for a diagonal operator; unbiased within 4 standard errors on a dense Hessian", () => {
  const d = Float64Array.from([3, -1, 0.5, 2, 7]);
  const diag: LinearOperator = { n: 5, apply: (v) => Float64Array.from(v, (x, i) => d[i] * x) };
  const t = hutchinsonTrace(diag, { samples: 3, key: key(1) });
  assert.ok(Math.abs(t.estimate - 11.5) < 1e-14 && t.stderr < 1e-14);
  const c = cases[0];
  const op = hessianOperator(c.f, c.params);
  const H = denseMatrix(op);
  let tr = 0;
  for (let i = 0; i < op.n; i++) tr += H[i * op.n + i];
  const est = hutchinsonTrace(denseOp(H, op.n), { samples: 400, key: key(2) });
  assert.ok(Math.abs(est.estimate - tr) < 4 * est.stderr, `${est.estimate} ± ${est.stderr} vs ${tr}`);
  assert.ok(est.stderr > 0);
});

test("SLQ: Gauss quadrature reproduces zᵀAʲz exactly up to degree 2m − 1; the density integrates to 1", () => {
  const n = 12;
  const G = normalArray(key(4), n * n);
  const A = Float64Array.from(G, (_, k) => G[k] + G[(k % n) * n + Math.floor(k / n)]);
  const op = denseOp(A, n);
  const m = 4;
  const sd = spectralDensity(op, { samples: 3, steps: m, key: key(6) });
  // Recompute the probes' moments directly: the same keys give the same Rademacher probes.
  split(key(6), 3).forEach((k, p) => {
    const z = rademacher(k, n);
    const nz = Math.hypot(...z);
    let v: Float64Array = Float64Array.from(z, (x) => x / nz);
    const u0 = Float64Array.from(v);
    for (let j = 0; j <= 2 * m - 1; j++) {
      const exact = u0.reduce((s, x, i) => s + x * v[i], 0);
      const quad = sd.nodes[p].reduce((s, th, kk) => s + sd.weights[p][kk] * th ** j, 0);
      assert.ok(
        Math.abs(quad - exact) < 1e-9 * Math.max(1, Math.abs(exact)),
        `probe ${p}, degree ${j}: ${quad} vs ${exact}`,
      );
      v = matmul(A, v, n, n, 1);
    }
  });
  assert.ok(Math.abs(sd.traceOf(() => 1) - n) < 1e-12);
  const lo = -30,
    hi = 30,
    N = 6001;
  const grid = Float64Array.from({ length: N }, (_, i) => lo + ((hi - lo) * i) / (N - 1));
  const rho = sd.density(grid, 0.5);
  const integral = rho.reduce((s, v) => s + v, 0) * ((hi - lo) / (N - 1));
  assert.ok(Math.abs(integral - 1) < 1e-6, `∫ρ = ${integral}`);
});
