/** Closed-form cases docs/theory.md §C1–C9, reproduced with the reference values quoted there. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { coleHopf1d, coleHopf2d, detectShocks, exact, hopfLax1d, shockTime1d } from "../../src/pde/index.ts";
import { linspace, maxAbsDiff, near } from "./helpers.ts";

test("docs/theory.md §C1 quadratic 2-D: closed form = Cole–Hopf quadrature; residuals; log det offset; t* = −1/λ_min", () => {
  const th = 0.7;
  const [c, s] = [Math.cos(th), Math.sin(th)];
  // A = Q diag(1.3, −0.4) Qᵀ
  const A = [
    [1.3 * c * c + -0.4 * s * s, (1.3 - -0.4) * c * s],
    [(1.3 - -0.4) * c * s, 1.3 * s * s + -0.4 * c * c],
  ];
  const b = [0.3, -0.7];
  const q = exact.quadraticSolution(A, b, 0.2);
  near(q.tStar, 2.5, 1e-12, "t*");
  const beta = 2.5;
  const t = 1.2;
  const f = (y1: number, y2: number) =>
    0.5 * (A[0][0] * y1 * y1 + 2 * A[0][1] * y1 * y2 + A[1][1] * y2 * y2) + b[0] * y1 + b[1] * y2 + 0.2;
  const grid = { min: -12, max: 12, n: 1601 };
  for (const x of [
    [0.5, 0.1],
    [-1, 0.7],
    [0, -1.3],
  ]) {
    const r = coleHopf2d(f, [x[0]], [x[1]], t, beta, { grid: [grid, grid] });
    near(r.u[0], q.u(x, t, beta), 1e-12, "u exact vs quadrature (docs/theory.md §C1: 3.1e-14)");
    const p = q.p(x, t);
    near(r.p1[0], p[0], 1e-12, "p1");
    near(r.p2[0], p[1], 1e-12, "p2");
  }
  // HJ residual of the closed forms by centred FD (docs/theory.md §C1: 7e-9 / 1e-9)
  const h = 1e-4;
  const x = [0.4, -0.9];
  for (const bt of [beta, Infinity]) {
    const U = (y: number[], tt: number) => q.u(y, tt, bt);
    const ut = (U(x, t + h) - U(x, t - h)) / (2 * h);
    const p = q.p(x, t);
    const lap = [0, 1].reduce((acc, d) => {
      const e = [0, 0];
      e[d] = h;
      return acc + (U([x[0] + e[0], x[1] + e[1]], t) - 2 * U(x, t) + U([x[0] - e[0], x[1] - e[1]], t)) / (h * h);
    }, 0);
    const nu = Number.isFinite(bt) ? 1 / (2 * bt) : 0;
    near(ut + 0.5 * (p[0] ** 2 + p[1] ** 2) - nu * lap, 0, 1e-6, "HJ residual of C1");
  }
  // (t* − t)·‖∇p‖₂ → 1: ∇p = A(I + tA)⁻¹ has eigenvalue λ/(1 + tλ) = −1/(t* − t) for λ = −0.4
  const tt = 2.5 - 1e-4;
  near((-0.4 / (1 - 0.4 * tt)) * -(2.5 - tt), 1, 1e-9, "blow-up rate");
  assert.throws(() => q.u(x, 2.6), /t\*/);
});

test("docs/theory.md §C2: t* = 1 at x = 0, p_x(0,t) = −1/(1−t), jump 2√(1−1/t)/t; numeric Hopf–Lax = cubic roots", () => {
  const fc = shockTime1d(exact.doubleWellHess, { min: -3, max: 3, n: 601 }, exact.doubleWellGrad);
  near(fc.tStar, 1, 1e-12, "t* forecast");
  near(fc.x0[0], 0, 1e-8, "birth point");
  for (const t of [0.5, 0.9, 0.99]) {
    const hl = 1e-3 * (1 - t);
    const px = (exact.doubleWellHopfLax(hl, t).p - exact.doubleWellHopfLax(-hl, t).p) / (2 * hl);
    near(px, -1 / (1 - t), 1e-3 / (1 - t), `p_x(0, ${t})`);
  }
  for (const t of [1.5, 2, 4]) {
    const jump = exact.doubleWellHopfLax(-1e-12, t).p - exact.doubleWellHopfLax(1e-12, t).p;
    near(jump, exact.doubleWellJump(t), 1e-8, `jump at t=${t}`);
    near(exact.doubleWellHopfLax(-1e-12, t).y, -Math.sqrt(1 - 1 / t), 1e-10, "left minimiser −√(1−1/t)");
  }
  const xs = linspace(-2, 2, 201);
  for (const t of [0.5, 1.5, 3]) {
    const num = hopfLax1d((y) => exact.doubleWell(y), xs, t, {
      y: { min: -4, max: 4, n: 8001 },
      df: (y) => exact.doubleWellGrad(y),
    });
    near(
      maxAbsDiff(
        num.u,
        xs.map((x) => exact.doubleWellHopfLax(x, t).u),
      ),
      0,
      1e-13,
      `Hopf–Lax u at t=${t}`,
    );
  }
});

test("docs/theory.md §C3 tilted double well: shock at x_s = εt, speed (p_L + p_R)/2 = ε, Galilean identity", () => {
  const eps = 0.1;
  const xs = linspace(-1, 1, 4001);
  const h = xs[1] - xs[0];
  const at = (t: number) =>
    detectShocks(
      xs,
      xs.map((x) => exact.doubleWellHopfLax(x, t, eps).p),
      { offset: 1 },
    );
  for (const t of [1.2, 1.5, 2, 3]) {
    const s = at(t);
    assert.equal(s.length, 1);
    near(s[0].x, eps * t, h, `x_s(${t})`);
    near(s[0].speed, eps, 2 * h, "RH speed");
    assert.ok(s[0].left > s[0].right, "Lax");
  }
  // u_ε(x,t) = u₀(x − εt, t) + εx − ε²t/2
  for (const [x, t] of [
    [0.3, 0.7],
    [-0.8, 1.6],
    [1.1, 2.5],
  ]) {
    near(
      exact.doubleWellHopfLax(x, t, eps).u,
      exact.doubleWellHopfLax(x - eps * t, t).u + eps * x - 0.5 * eps * eps * t,
      1e-13,
      "Galilean",
    );
  }
});

test("docs/theory.md §C4 sine: series = quadrature (β = 6), Burgers residual, t* = 1 at π, viscous slope → −U²β", () => {
  const xs = linspace(0.2, 6, 9);
  const t = 1.7;
  const s = exact.sineSeries(xs, t, 6);
  const q = coleHopf1d((y) => -Math.cos(y), xs, t, 6, { y: { min: -60, max: 60, n: 240001 } });
  near(maxAbsDiff(s.u, q.u), 0, 1e-11, "u series vs quadrature (docs/theory.md §C4: 8e-13)");
  near(maxAbsDiff(s.p, q.p), 0, 1e-11, "p series vs (x − ⟨y⟩)/t");
  const sq = exact.sineQuadrature(xs, t, 6);
  near(maxAbsDiff(s.u, sq.u), 0, 1e-11, "sineQuadrature u");
  // large β: the series cancels catastrophically, the quadrature tends to the inviscid Hopf–Lax value
  const big = exact.sineQuadrature([1, 2, 4], 0.5, 1e4);
  const hlv = hopfLax1d((y) => -Math.cos(y), [1, 2, 4], 0.5, { y: { min: -3, max: 8, n: 11001 }, df: Math.sin });
  near(maxAbsDiff(big.u, hlv.u), 0, 1e-4, "β = 1e4 → Hopf–Lax");
  const h = 1e-4;
  const P = (x: number[], tt: number) => exact.sineSeries(x, tt, 6).p;
  const pp = P(
    xs.map((x) => x + h),
    t,
  );
  const pm = P(
    xs.map((x) => x - h),
    t,
  );
  const res = xs.map(
    (_, i) =>
      (P([xs[i]], t + h)[0] - P([xs[i]], t - h)[0]) / (2 * h) +
      (s.p[i] * (pp[i] - pm[i])) / (2 * h) -
      ((1 / 12) * (pp[i] - 2 * s.p[i] + pm[i])) / (h * h),
  );
  near(Math.max(...res.map(Math.abs)), 0, 1e-5, "Burgers residual (docs/theory.md §C4: 5e-6)");
  const fc = shockTime1d((y) => Math.cos(y), { min: 0, max: 2 * Math.PI, n: 629 }, Math.sin);
  near(fc.tStar, 1, 1e-12, "t*");
  near(fc.x0[0], Math.PI, 1e-7, "born at π");
  // t = 2: U = sin y_L with y_L + 2 sin y_L = π; slope at π vs −U²β
  // (docs/theory.md §b.7: ratios 0.88663, 0.97523)
  let lo = 0;
  let hi = Math.PI;
  for (let k = 0; k < 100; k++) {
    const m = 0.5 * (lo + hi);
    if (m + 2 * Math.sin(m) - Math.PI > 0) hi = m;
    else lo = m;
  }
  const U = Math.sin(lo);
  near(U, 0.947747, 1e-6, "U");
  for (const [beta, ratio] of [
    [10, 0.88663],
    [40, 0.97523],
  ]) {
    const x2 = [Math.PI - 1e-6, Math.PI + 1e-6];
    const r = coleHopf1d((y) => -Math.cos(y), x2, 2, beta, { y: { min: Math.PI - 4, max: Math.PI + 4, n: 40001 } });
    near((r.p[1] - r.p[0]) / 2e-6 / (-U * U * beta), ratio, 2e-5, `slope ratio at β=${beta}`);
  }
});

test("docs/theory.md §C5/C6 Riemann: numeric Hopf–Lax = closed forms (shock and fan), kink at x = st", () => {
  const xr = linspace(-2, 2, 41);
  for (const [uL, uR] of [
    [1, -0.5],
    [-0.5, 1],
  ]) {
    const f = (y: number) => (y < 0 ? uL * y : uR * y);
    const hl = hopfLax1d(f, xr, 1, { y: { min: -8, max: 8, n: 1601 }, df: (y) => (y < 0 ? uL : uR) });
    const ex = xr.map((x) => exact.hjRiemann(x, 1, uL, uR));
    near(
      maxAbsDiff(
        hl.u,
        ex.map((e) => e.u),
      ),
      0,
      1e-14,
      "u",
    );
    near(
      maxAbsDiff(
        hl.p,
        ex.map((e) => e.p),
      ),
      0,
      1e-12,
      "p",
    );
  }
  // the shock's kink: both branches equal at x = st
  const s = 0.25;
  near(
    exact.hjRiemann(s * 2 - 1e-12, 2, 1, -0.5).p - exact.hjRiemann(s * 2 + 1e-12, 2, 1, -0.5).p,
    1.5,
    0,
    "jump 1.5 at x = st",
  );
});

test("docs/theory.md §C7 viscous Riemann (log Φ form) = quadrature, solves HJ, and tends to the tanh front", () => {
  const xr = linspace(-2, 2, 21);
  for (const [uL, uR, tolU] of [
    [1, -0.5, 5e-10],
    [-0.5, 1, 5e-9],
  ]) {
    const f = (y: number) => (y < 0 ? uL * y : uR * y);
    const q = coleHopf1d(f, xr, 1, 5, { y: { min: -30, max: 30, n: 600001 } });
    const ex = xr.map((x) => exact.hjRiemannViscous(x, 1, uL, uR, 5));
    near(
      maxAbsDiff(
        q.u,
        ex.map((e) => e.u),
      ),
      0,
      tolU,
      "u vs quadrature (docs/theory.md §C7: 1.4e-10 / 2.9e-9)",
    );
    near(
      maxAbsDiff(
        q.p,
        ex.map((e) => e.p),
      ),
      0,
      tolU,
      "p vs (x − ⟨y⟩)/t",
    );
    const h = 1e-4;
    const U = (x: number, t: number) => exact.hjRiemannViscous(x, t, uL, uR, 5).u;
    for (const x of linspace(-1.5, 1.5, 7)) {
      const r =
        (U(x, 1 + h) - U(x, 1 - h)) / (2 * h) +
        0.5 * ((U(x + h, 1) - U(x - h, 1)) / (2 * h)) ** 2 -
        (0.1 * (U(x + h, 1) - 2 * U(x, 1) + U(x - h, 1))) / (h * h);
      near(r, 0, 1e-6, "HJ residual (docs/theory.md §C7: 1e-8)");
    }
  }
  const nu = 0.1;
  const xs = linspace(-2, 2, 21).map((x) => 0.25 * 40 + x);
  const err = Math.max(
    ...xs.map((x) => Math.abs(exact.hjRiemannViscous(x, 40, 1, -0.5, 5).p - exact.tanhFront(x, 40, 1, -0.5, nu))),
  );
  near(err, 0, 1e-9, "t = 40 vs tanh (docs/theory.md §b.7: 1.4e-10)");
  // no overflow far out in the tails (log Φ of very negative arguments)
  assert.ok(Number.isFinite(exact.hjRiemannViscous(50, 0.01, 1, -0.5, 1e4).u));
});

test("docs/theory.md §C8 ReLU kink: concave kink is a shock at t = 0⁺ (jump 1.907 at −0.049), convex kink a fan", () => {
  const t = 0.05;
  const xs = linspace(-0.5, 0.5, 4001);
  const num = hopfLax1d((s) => exact.reluKink(s, 1), xs, t, { y: { min: -3, max: 3, n: 6001 } });
  near(
    maxAbsDiff(
      num.u,
      xs.map((x) => exact.reluKinkHopfLax(x, t, 1).u),
    ),
    0,
    1e-14,
    "Hopf–Lax u",
  );
  const sh = exact.reluKinkShock(t, 1);
  near(sh.x, -0.0488, 1e-4, "shock position");
  near(sh.left - sh.right, 1.907, 1e-3, "jump");
  const det = detectShocks(xs, num.p, { offset: 1 });
  assert.equal(det.length, 1);
  near(det[0].x, sh.x, 2.5e-4, "detected position");
  near(det[0].speed, sh.speed, 1e-3, "RH speed = dx_s/dt");
  const fan = xs.map((x) => exact.reluKinkHopfLax(x, t, -1));
  xs.forEach((x, i) => {
    if (x > 1e-3 && x < 2 * t - 1e-3) near(fan[i].p, x / t, 1e-12, "fan p = x/t");
  });
});

test("docs/theory.md §C9 Laplace: β(u_β − u_HL) − ½log(1 + t f''(y*)) = O(1/β)", () => {
  const eps = 0.1;
  const f = (y: number) => exact.doubleWell(y, eps);
  const xs = [-1, -0.3, 0.4, 1.2]; // the points of docs/theory.md §C9
  const t = 0.5;
  const hl = hopfLax1d(f, xs, t, { y: { min: -4, max: 4, n: 8001 }, df: (y) => exact.doubleWellGrad(y, eps) });
  const errs = [100, 1000, 10000].map((beta) => {
    const ch = coleHopf1d(f, xs, t, beta, { y: { min: -4, max: 4, n: 40001 } });
    return Math.max(
      ...xs.map((_, i) =>
        Math.abs(beta * (ch.u[i] - hl.u[i]) - beta * exact.laplaceCorrection1d(exact.doubleWellHess(hl.y[i]), t, beta)),
      ),
    );
  });
  near(errs[2], 1.188e-5, 0.02e-5, "β = 1e4 (docs/theory.md §C9: 1.188e-5)");
  near(errs[0], 1.15e-3, 0.005e-3, "β = 100 (docs/theory.md §C9: 1.150e-3)");
  assert.ok(errs[0] / errs[1] > 8 && errs[1] / errs[2] > 8, `errors fall like 1/β: ${errs}`);
  near(
    exact.laplaceCorrection(
      [
        [1, 0],
        [0, 2],
      ],
      0.5,
      2,
    ),
    Math.log(1.5 * 2) / 4,
    1e-15,
    "n-D log det",
  );
});

test("characteristic solution u = u₀(x − ut) and the tanh front are exact solutions", () => {
  const d = exact.sineData(0.5);
  for (const x of linspace(0, 6, 13)) {
    const u = exact.burgersCharacteristic(d, x, 0.9);
    near(u, Math.sin(x - u * 0.9) + 0.5, 1e-14, "implicit equation");
  }
  const nu = 0.05;
  const P = (x: number, t: number) => exact.tanhFront(x, t, 1, -0.5, nu);
  const h = 1e-4;
  for (const x of linspace(-1, 1, 11)) {
    const r =
      (P(x, 1 + h) - P(x, 1 - h)) / (2 * h) +
      (P(x, 1) * (P(x + h, 1) - P(x - h, 1))) / (2 * h) -
      (nu * (P(x + h, 1) - 2 * P(x, 1) + P(x - h, 1))) / (h * h);
    near(r, 0, 1e-6, "tanh Burgers residual");
  }
  near(exact.frontWidth(nu, 1.5), (4 * nu) / 1.5, 0, "width 4ν/Δp");
});
