/**
 * Closed form docs/theory.md §C1: for f = ½yᵀAy + bᵀy + c with I + tA ≻ 0,
 *   u = ½xᵀA_t x + b_tᵀx + c_t + (1/2β) log det(I + tA),  p = A_t x + b_t,
 * reproduced by every estimator (and auto) within 3 standard errors (oracle: src/pde/exact/quadratic.ts,
 * written independently), in 1-D, 2-D, n = 10 (sgld, importance, smc, auto) and on a 2-D slice of the 10-D
 * quadratic, plus quotient coordinates given by a gauge-fixing map.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key, normalArray } from "../../src/core/random.ts";
import { quadraticSolution } from "../../src/pde/exact/quadratic.ts";
import {
  localEntropy,
  quadraticObjective,
  sliceObjective,
  randomDirections,
  mappedObjective,
  type Method,
  type Objective,
} from "../../src/coarse/index.ts";
import { assertWithin, assertVecWithin, certified, symmetricWithEigenvalues } from "./helpers.ts";

const METHODS: Method[] = ["quadrature", "importance", "sgld", "smc", "auto"];

function checkAll(
  obj: Objective,
  x: Float64Array,
  A: number[][],
  b: number[],
  c: number,
  t: number,
  beta: number,
  methods: Method[],
  what: string,
  seed = 1,
) {
  const exact = quadraticSolution(A, b, c);
  const u = exact.u([...x], t, beta);
  const p = exact.p([...x], t);
  for (const method of methods) {
    const r = localEntropy(obj, x, { method, t, beta, seed, samples: method === "importance" ? 8192 : 1500 } as never);
    assert.deepEqual(r.warnings, [], `${what} ${method}: ${r.warnings.join("; ")}`);
    assert.equal(r.nu, 1 / (2 * beta));
    const e = certified(r);
    assertWithin(r.u as number, u, e.stderr, `${what} ${method} u`);
    assertVecWithin(r.grad, p, e.gradStderr, `${what} ${method} ∇u`);
    // the error estimates must be informative, not inflated: well below the O(1) signal
    assert.ok(e.stderr < 0.02, `${what} ${method}: stderr ${r.stderr}`);
  }
}

test("docs/theory.md §C1 in 1-D: convex and concave quadratics, every method within 3 se of the exact u and p", () => {
  checkAll(
    quadraticObjective([[1.5]], [0.4], -0.3),
    Float64Array.of(0.7),
    [[1.5]],
    [0.4],
    -0.3,
    0.6,
    3,
    METHODS,
    "convex",
  );
  checkAll(
    quadraticObjective([[-0.5]], [0.2], 0.1),
    Float64Array.of(-0.4),
    [[-0.5]],
    [0.2],
    0.1,
    0.6,
    3,
    METHODS,
    "concave",
  );
});

test("docs/theory.md §C1 in 2-D with an indefinite A: every method within 3 se", () => {
  const A = [
    [1.3, 0.4],
    [0.4, -0.3],
  ];
  checkAll(
    quadraticObjective(A, [0.3, -0.7], 0.2),
    Float64Array.of(0.5, -0.4),
    A,
    [0.3, -0.7],
    0.2,
    0.8,
    3,
    METHODS,
    "2-D",
  );
});

const { A: A10 } = symmetricWithEigenvalues(key(21), [-0.3, -0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0]);
const b10 = Array.from(normalArray(key(22), 10), (v) => 0.3 * v);
const x10 = normalArray(key(23), 10).map((v) => 0.5 * v);

test("docs/theory.md §C1 in 10-D: importance sampling, SGLD, SMC and auto within 3 se of the exact u and every coordinate of p", () => {
  checkAll(
    quadraticObjective(A10, b10, 0.5),
    x10,
    A10,
    b10,
    0.5,
    0.5,
    4,
    ["importance", "sgld", "smc", "auto"],
    "10-D",
  );
});

test("docs/theory.md §C1 on a 2-D slice of the 10-D quadratic: the restricted quadratic's closed form, every method", () => {
  const f = quadraticObjective(A10, b10, 0.5);
  const sl = sliceObjective(f, x10, randomDirections(key(24), 10, 2));
  // g(s) = f(x + Ds) = ½sᵀ(DᵀAD)s + (Dᵀ(Ax + b))ᵀs + f(x)
  const D = sl.directions;
  const As = D.map((di) =>
    D.map((dj) => A10.reduce((s, row, i) => s + di[i] * row.reduce((r, a, j) => r + a * dj[j], 0), 0)),
  );
  As[1][0] = As[0][1];
  const g = f.valueAndGrad!(x10).grad;
  const bs = D.map((d) => d.reduce((s, v, i) => s + v * g[i], 0));
  checkAll(sl.objective, sl.origin, As, bs, f.value(x10), 0.7, 2, METHODS, "slice");
});

test("quotient coordinates: L(w, a) = (aw − 1)² seen through the gauge map v ↦ (w, a) = (v, 1) is ℓ(v) = (v − 1)²", () => {
  const L: Objective = { dim: 2, value: (y) => (y[0] * y[1] - 1) ** 2 };
  const ell = mappedObjective(L, { dim: 1, map: (s) => Float64Array.of(s[0], 1) }); // no pullback: FD gradient
  checkAll(ell, Float64Array.of(0.3), [[2]], [-2], 1, 0.5, 3, METHODS, "quotient");
});

test("coarse-graining does not descend to the rescaling quotient (docs/theory.md §d.6): F_t varies along the orbit aw = 1", () => {
  // docs/theory.md §d.6: β = 3, t = 0.5, F_t at (w, a) = (0.5, 2), (0.8, 1.25), (1, 1) is
  // 0.272061, 0.196790, 0.187751
  const L: Objective = { dim: 2, value: (y) => (y[1] * y[0] - 1) ** 2 };
  const want = [
    [0.5, 2, 0.272061],
    [0.8, 1.25, 0.19679],
    [1, 1, 0.187751],
  ];
  const got = want.map(([w, a, F]) => {
    const r = localEntropy(L, Float64Array.of(w, a), { method: "quadrature", t: 0.5, beta: 3 });
    assert.ok(Math.abs((r.u as number) - F) < 1e-6, `F_t(${w}, ${a}) = ${r.u}, reference ${F}`);
    return r.u as number;
  });
  assert.ok(Math.max(...got) - Math.min(...got) > 0.08, "F_t is not constant on the orbit");
});
