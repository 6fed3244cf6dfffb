import { test } from "node:test";
import assert from "node:assert/strict";
import {
  coleHopf1d,
  errorNorms,
  exact,
  hj,
  hopfLax2d,
  makeGrid,
  makeGrid2d,
  observedOrder,
  sample2d,
  shockTimeNd,
  solveHj2d,
} from "../../src/pde/index.ts";
import { InputError } from "../../src/errors.ts";
import { near } from "./helpers.ts";

test("viscous HJ schemes converge to Cole–Hopf (sine, ν = 0.1): first order ≈ 1, ENO2 ≈ 2", () => {
  const nu = 0.1;
  const T = 1;
  for (const [scheme, lo, hi] of [
    ["lax-friedrichs", 0.85, 1.1],
    ["godunov", 0.9, 1.1],
    ["lax-friedrichs-eno2", 1.85, 2.2],
    ["godunov-eno2", 1.8, 2.2],
  ] as const) {
    const h: number[] = [];
    const e: number[] = [];
    for (const N of [50, 100, 200, 400]) {
      const g = makeGrid(0, 2 * Math.PI, N);
      const r = hj({ ic: "sine", scheme, cells: N, t: T, nu });
      h.push(g.dx);
      e.push(errorNorms(r.u, exact.sineSeries(g.x, T, 1 / (2 * nu)).u, g.dx).linf);
    }
    const p = observedOrder(h, e);
    assert.ok(p > lo && p < hi, `${scheme}: order ${p}`);
  }
});

test("inviscid HJ through the double-well shock converges to Hopf–Lax (u Lipschitz: order 1, ENO2 2)", () => {
  for (const [scheme, lo] of [
    ["lax-friedrichs", 0.9],
    ["godunov", 0.9],
    ["godunov-eno2", 1.8],
  ] as const) {
    const h: number[] = [];
    const e: number[] = [];
    for (const N of [100, 200, 400]) {
      const r = hj({ ic: "doublewell", scheme, cells: N, t: 1.5, domain: [-2, 2], bc: "outflow" });
      h.push(r.dx);
      e.push(
        errorNorms(
          r.u,
          r.x.map((x) => exact.doubleWellHopfLax(x, 1.5).u),
          r.dx,
        ).linf,
      );
    }
    assert.ok(observedOrder(h, e) > lo, `${scheme}: ${e}`);
  }
});

test("hj({scheme: hopf-lax | cole-hopf}) on a grid = closed forms (docs/theory.md §C2, C4) with exact p", () => {
  const hl = hj({ ic: "doublewell", scheme: "hopf-lax", cells: 200, t: 1.5, domain: [-2, 2], bc: "outflow" });
  hl.x.forEach((x, i) => {
    const e = exact.doubleWellHopfLax(x, 1.5);
    near(hl.u[i], e.u, 1e-13, "u");
    near(hl.p![i], e.p, 1e-9, "p");
  });
  const ch = hj({ ic: "sine", scheme: "cole-hopf", cells: 64, t: 1.3, nu: 1 / 12 });
  const s = exact.sineSeries(ch.x, 1.3, 6);
  ch.x.forEach((_, i) => {
    near(ch.u[i], s.u[i], 1e-11, "Cole–Hopf u vs series");
    near(ch.p![i], s.p[i], 1e-11, "Cole–Hopf p vs series");
  });
  assert.throws(() => hj({ ic: "sine", scheme: "cole-hopf", cells: 8, t: 1 }), InputError);
  assert.throws(() => hj({ ic: "sine", scheme: "hopf-lax", cells: 8, t: 1, nu: 0.1 }), InputError);
  assert.throws(() => hj({ ic: "sine", scheme: "upwind", cells: 8, t: 1 }), /scheme: expected one of/);
});

test("2-D HJ (dimension by dimension) = the rotated 1-D Cole–Hopf solution: Godunov ≈ 1, ENO2 ≈ 2", () => {
  // u0 = −cos(x + y) ⇒ u = U((x+y)/√2, t) with U the 1-D solution for f(s) = −cos(√2 s), same ν
  const nu = 0.1;
  const T = 0.5;
  for (const [scheme, lo] of [
    ["godunov", 0.8],
    ["godunov-eno2", 1.7],
  ] as const) {
    const errs: number[] = [];
    const hs: number[] = [];
    for (const N of [48, 96]) {
      const g = makeGrid2d(0, 2 * Math.PI, N, 0, 2 * Math.PI, N);
      const r = solveHj2d({ grid: g, u0: sample2d(g, (x, y) => -Math.cos(x + y)), scheme, t: T, nu });
      // x_i + y_j = (i + j + 1)Δx: one 1-D value per anti-diagonal
      const sums = Array.from({ length: 2 * N - 1 }, (_, k) => ((k + 1) * g.x.dx) / Math.SQRT2);
      const U = coleHopf1d((s) => -Math.cos(Math.SQRT2 * s), sums, T, 1 / (2 * nu), {
        y: { min: -20, max: 30, n: 20001 },
      }).u;
      let m = 0;
      for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) m = Math.max(m, Math.abs(r.u[i * N + j] - U[i + j]));
      errs.push(m);
      hs.push(g.x.dx);
    }
    const p = observedOrder(hs, errs);
    assert.ok(p > lo, `${scheme}: 2-D errors ${errs} (order ${p})`);
  }
});

test("2-D Hopf–Lax: f = ½yᵀAy + |y|⁴/4, λ_min(∇p)(0) = λ/(1 + tλ) and t* = −1/λ_min(A) = 2.123952", () => {
  const A = [
    [0.8, 0.3],
    [0.3, -0.4],
  ];
  const f = (a: number, b: number) =>
    0.5 * (A[0][0] * a * a + 2 * A[0][1] * a * b + A[1][1] * b * b) + 0.25 * (a * a + b * b) ** 2;
  const grad = (a: number, b: number): [number, number] => {
    const r2 = a * a + b * b;
    return [A[0][0] * a + A[0][1] * b + r2 * a, A[0][1] * a + A[1][1] * b + r2 * b];
  };
  const hess = (y: number[]) => {
    const r2 = y[0] ** 2 + y[1] ** 2;
    return [
      [A[0][0] + r2 + 2 * y[0] * y[0], A[0][1] + 2 * y[0] * y[1]],
      [A[0][1] + 2 * y[0] * y[1], A[1][1] + r2 + 2 * y[1] * y[1]],
    ];
  };
  const fc = shockTimeNd(
    hess,
    [
      { min: -2, max: 2, n: 41 },
      { min: -2, max: 2, n: 41 },
    ],
    (y) => grad(y[0], y[1]),
  );
  near(fc.tStar, 2.123952, 1e-6, "t*");
  near(Math.hypot(fc.x0[0], fc.x0[1]), 0, 1e-8, "born at the origin");
  const lmin = -0.47082039324993674;
  const h = 1e-6;
  for (const t of [1, 1.5]) {
    const r = hopfLax2d(f, [-h, 0, h], [-h, 0, h], t, {
      grid: [
        { min: -3, max: 3, n: 121 },
        { min: -3, max: 3, n: 121 },
      ],
      grad,
    });
    // Jacobian of p at the origin from centred differences (row-major 3×3, centre index 4)
    const j11 = (r.p1[7] - r.p1[1]) / (2 * h);
    const j12 = (r.p1[5] - r.p1[3]) / (2 * h);
    const j22 = (r.p2[5] - r.p2[3]) / (2 * h);
    const tr = j11 + j22;
    const det = j11 * j22 - j12 * j12;
    const ev = tr / 2 - Math.sqrt((tr * tr) / 4 - det);
    near(ev, lmin / (1 + t * lmin), 1e-6, `λ_min(∇p)(0) at t=${t}`);
  }
  // Hopf–Lax 2-D on a quadratic = docs/theory.md §C1 inviscid closed form
  const q = exact.quadraticSolution(
    [
      [1, 0.2],
      [0.2, -0.3],
    ],
    [0.1, 0],
    0,
  );
  const fq = (a: number, b: number) => 0.5 * (a * a + 0.4 * a * b - 0.3 * b * b) + 0.1 * a;
  const gq = (a: number, b: number): [number, number] => [a + 0.2 * b + 0.1, 0.2 * a - 0.3 * b];
  const r = hopfLax2d(fq, [0.3], [-0.4], 1.5, {
    grid: [
      { min: -10, max: 10, n: 201 },
      { min: -10, max: 10, n: 201 },
    ],
    grad: gq,
  });
  near(r.u[0], q.u([0.3, -0.4], 1.5), 1e-12, "u");
  near(r.p1[0], q.p([0.3, -0.4], 1.5)[0], 1e-9, "p1");
});
