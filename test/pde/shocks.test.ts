import { test } from "node:test";
import assert from "node:assert/strict";
import {
  burgers,
  detectShocks,
  exact,
  hj,
  hjGradient,
  hopfLax1d,
  oleinikCheck,
  resultShocks,
  shockTime1d,
  shockTimeNd,
} from "../../src/pde/index.ts";
import { linspace, near } from "./helpers.ts";

test("detectShocks: downward jumps and grid-scale fronts only (no ramps, no upward jumps), periodic wrap", () => {
  const x = linspace(0, 1, 101);
  const step = x.map((v) => (v < 0.503 ? 2 : -1));
  const s = detectShocks(x, step);
  assert.equal(s.length, 1);
  near(s[0].x, 0.505, 1e-12, "midpoint crossing between the two cells");
  assert.deepEqual([s[0].left, s[0].right, s[0].speed], [2, -1, 0.5]);
  assert.equal(
    detectShocks(
      x,
      x.map((v) => (v < 0.5 ? -1 : 2)),
    ).length,
    0,
    "upward jump = rarefaction",
  );
  assert.equal(
    detectShocks(
      x,
      x.map((v) => -3 * v),
    ).length,
    0,
    "linear ramp",
  );
  assert.equal(
    detectShocks(
      x,
      x.map((v) => Math.sin(6 * v)),
    ).length,
    0,
    "smooth wave",
  );
  // viscous front thinner than a cell is a shock at this resolution; a wide one is not
  assert.equal(
    detectShocks(
      x,
      x.map((v) => exact.tanhFront(v, 0, 1, -1, 0.001, 0.5)),
    ).length,
    1,
  );
  assert.equal(
    detectShocks(
      x,
      x.map((v) => exact.tanhFront(v, 0, 1, -1, 0.05, 0.5)),
    ).length,
    0,
  );
  // periodic: a sawtooth rising across the domain drops back at the wrap-around
  const xp = linspace(0, 0.99, 100);
  const saw = xp.map((_, i) => -1 + 0.02 * i);
  const sp = detectShocks(xp, saw, { periodic: true });
  assert.equal(sp.length, 1);
  near(sp[0].x, -0.005, 1e-12, "at the wrap-around interface (reported as the left edge a = x₀ − h/2)");
  assert.equal(detectShocks(xp, saw).length, 0, "not seen without periodic");
  assert.equal(
    detectShocks(
      xp,
      x.slice(0, 100).map(() => 1),
      { periodic: true },
    ).length,
    0,
    "constant",
  );
});

test("shock forecast t* = 1/sup(−f''): random smooth f matches the first characteristic crossing (6e-10)", () => {
  const a = [0.6, -0.21, 0.13, 0.05, -0.03];
  const b = [-0.4, 0.3, -0.08, 0.06, 0.02];
  const df = (y: number) =>
    a.reduce((s, c, k) => s + c * (k + 1) * Math.cos((k + 1) * y) - b[k] * (k + 1) * Math.sin((k + 1) * y), 0);
  const d2f = (y: number) =>
    a.reduce(
      (s, c, k) => s - c * (k + 1) ** 2 * Math.sin((k + 1) * y) - b[k] * (k + 1) ** 2 * Math.cos((k + 1) * y),
      0,
    );
  const fc = shockTime1d(d2f, { min: -Math.PI, max: Math.PI, n: 2001 }, df);
  const yy = linspace(-Math.PI, Math.PI, 200001);
  const dfy = yy.map(df);
  let lo = 0;
  let hi = 10 * fc.tStar;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    let mono = true;
    for (let i = 1; i < yy.length && mono; i++) mono = yy[i] + mid * dfy[i] > yy[i - 1] + mid * dfy[i - 1];
    if (mono) lo = mid;
    else hi = mid;
  }
  near(lo / fc.tStar, 1, 1e-8, "crossing time / forecast (docs/theory.md §b.2: 6e-10)");
  assert.equal(shockTime1d((y) => 2 + Math.cos(y), { min: -3, max: 3, n: 61 }).tStar, Infinity, "convex f: no shock");
  assert.equal(
    shockTimeNd(
      () => [
        [1, 0],
        [0, 2],
      ],
      [
        { min: -1, max: 1, n: 3 },
        { min: -1, max: 1, n: 3 },
      ],
    ).tStar,
    Infinity,
  );
});

test("double well: no shock before t* = 1; Burgers (p₀ = f') and HJ shocks at x = 0 with the jump of docs/theory.md §C2", () => {
  const jumps = (t: number) => {
    const b = burgers({ ic: "cubic", scheme: "muscl", cells: 800, domain: [-2, 2], bc: "outflow", t });
    const h = hj({ ic: "doublewell", scheme: "godunov-eno2", cells: 800, domain: [-2, 2], bc: "outflow", t });
    const e = hj({ ic: "doublewell", scheme: "hopf-lax", cells: 800, domain: [-2, 2], bc: "outflow", t });
    return [
      resultShocks("burgers", b, "outflow", { offset: 2 }),
      resultShocks("hj", h, "outflow", { offset: 2 }),
      resultShocks("hj", e, "outflow", { offset: 1 }),
    ];
  };
  for (const s of jumps(0.8)) assert.equal(s.length, 0, "smooth before t*");
  for (const t of [1.5, 2]) {
    for (const [k, s] of jumps(t).entries()) {
      assert.equal(s.length, 1, `one shock at t=${t}`);
      near(s[0].x, 0, 0.006, "at x = 0");
      near(s[0].left - s[0].right, exact.doubleWellJump(t), k === 2 ? 0.004 : 0.02, `jump at t=${t}`);
      near(s[0].speed, 0, 1e-3, "stationary");
    }
  }
});

test("Oleinik: (p(x+a) − p(x))/a ≤ 1/t for Hopf–Lax p (margin −0.070 at t = 2), violated by an upward jump", () => {
  const xg = linspace(-2, 2, 801);
  const t = 2;
  const hl = hopfLax1d((y) => exact.doubleWell(y), xg, t, {
    y: { min: -4, max: 4, n: 8001 },
    df: (y) => exact.doubleWellGrad(y),
  });
  const o = oleinikCheck(xg, hl.p, t, [1, 3, 10, 50]);
  near(o.excess, -0.07, 1e-3, "docs/theory.md §b.6: −0.070");
  assert.ok(
    oleinikCheck(
      xg,
      xg.map((v) => (v < 0 ? -1 : 1)),
      t,
    ).excess > 0,
    "an entropy-violating upward jump breaks the bound",
  );
  const g = hjGradient(xg, hl.u);
  assert.ok(oleinikCheck(g.x, g.p, t).excess <= 1e-9, "also for p = u_x of the HJ solution (semiconcavity)");
});
