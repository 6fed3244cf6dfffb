import { test } from "node:test";
import assert from "node:assert/strict";
import {
  burgers,
  errorNorms,
  exact,
  makeGrid,
  observedOrder,
  solveBurgers1d,
  totalVariation,
  detectShocks,
  trackShocks,
} from "../../src/pde/index.ts";
import { near } from "./helpers.ts";

const TWO_PI = 2 * Math.PI;
const smooth = exact.sineData(0.5); // u0 = sin x + 1/2, shock at t* = 1

/** L1 errors of `scheme` at T against the characteristic solution (cell averages, or point values for WENO5). */
function smoothErrors(
  scheme: string,
  Ns: number[],
  T: number,
  maxDt?: (dx: number) => number,
): { h: number[]; e: number[] } {
  const h: number[] = [];
  const e: number[] = [];
  for (const N of Ns) {
    const g = makeGrid(0, TWO_PI, N);
    const r = burgers({ ic: (x) => Math.sin(x) + 0.5, scheme, cells: N, t: T, maxDt: maxDt?.(g.dx) });
    const ref =
      r.values === "point"
        ? g.x.map((x) => exact.burgersCharacteristic(smooth, x, T))
        : exact.burgersCharacteristicAverages(smooth, g, T);
    h.push(g.dx);
    e.push(errorNorms(r.u, ref, g.dx).l1);
  }
  return { h, e };
}

test("bench workloads reproduced: burgers-muscl and burgers-weno5 checksum/check2 (docs/performance.md §pde-workloads)", () => {
  const N = 100_000;
  const g = makeGrid(0, TWO_PI, N);
  const u0 = g.x.map((x) => Math.sin(x) + 0.5);
  const check2 = (u: Float64Array) => u.reduce((s, v, i) => s + (v - u0[i]) ** 2, 0);
  const m = solveBurgers1d({ grid: g, u0, scheme: "muscl", flux: "rusanov", stepper: "euler", steps: 200, cfl: 0.4 });
  near(
    m.u.reduce((s, v) => s + v, 0),
    50000,
    1e-7,
    "muscl checksum",
  );
  near(check2(m.u), 0.28073513827, 0.28073513827 * 1e-9, "muscl check2");
  const w = solveBurgers1d({ grid: g, u0, scheme: "weno5", steps: 50, cfl: 0.4 });
  near(check2(w.u), 0.0175459622294, 0.0175459622294 * 1e-9, "weno5 check2");
});

test("observed L1 orders on smooth pre-shock data: first-order ≈ 1, MUSCL ≈ 2", () => {
  for (const scheme of ["godunov", "rusanov", "roe", "engquist-osher"]) {
    const { h, e } = smoothErrors(scheme, [100, 200, 400, 800], 0.5);
    const p = observedOrder(h, e);
    assert.ok(p > 0.93 && p < 1.1, `${scheme} order ${p}`);
  }
  for (const scheme of ["muscl", "muscl-mc"]) {
    const { h, e } = smoothErrors(scheme, [100, 200, 400, 800], 0.5);
    const p = observedOrder(h, e);
    assert.ok(p > 1.85 && p < 2.2, `${scheme} order ${p}`);
  }
});

test("WENO5 (RK3, Δt ≤ ½Δx^{5/3}) is ≥ 4.5th order on smooth data", () => {
  const { h, e } = smoothErrors("weno5", [40, 80, 160, 320], 0.3, (dx) => 0.5 * dx ** (5 / 3));
  const p = observedOrder(h, e);
  assert.ok(p >= 4.5, `weno5 order ${p} (errors ${e.map((v) => v.toExponential(2))})`);
});

test("with a shock every scheme converges at order ≈ 1 in L1 (Riemann 1 → 0)", () => {
  for (const scheme of ["godunov", "rusanov", "roe", "engquist-osher", "muscl", "muscl-mc", "weno5"]) {
    const h: number[] = [];
    const e: number[] = [];
    for (const N of [200, 400, 800]) {
      const g = makeGrid(-1, 1, N);
      const r = burgers({ ic: "riemann:1,0,-0.5", scheme, cells: N, domain: [-1, 1], bc: "outflow", t: 0.5 });
      h.push(g.dx);
      e.push(
        errorNorms(
          r.u,
          g.x.map((x) => exact.burgersRiemann(1, 0, (x + 0.5) / 0.5)),
          g.dx,
        ).l1,
      );
    }
    const p = observedOrder(h, e);
    assert.ok(p > 0.9 && p < 1.15, `${scheme} shock order ${p}`);
  }
});

test("mass is conserved to round-off on a periodic grid (through the shock)", () => {
  for (const scheme of ["godunov", "rusanov", "roe", "engquist-osher", "muscl", "muscl-mc", "weno5"]) {
    const r0 = burgers({ ic: "sine", scheme, cells: 256, t: 0 });
    const r = burgers({
      ic: (x) => Math.sin(x) + 0.3,
      scheme,
      cells: 256,
      t: 2.5,
      nu: scheme === "godunov" ? 0.01 : 0,
    });
    const m0 = burgers({ ic: (x) => Math.sin(x) + 0.3, scheme, cells: 256, t: 0 }).mass;
    near(r.mass, m0, 1e-13, `${scheme} mass`);
    near(r0.mass, 0, 1e-14, "exact cell averages of sin integrate to 0");
  }
});

test("total variation never increases for the TVD schemes (every step, through shock formation)", () => {
  for (const scheme of ["godunov", "rusanov", "roe", "engquist-osher", "muscl", "muscl-mc"]) {
    let prev = Infinity;
    let worst = -Infinity;
    burgers({
      ic: "sine",
      scheme,
      cells: 200,
      t: 2,
      onStep: (u) => {
        const tv = totalVariation(u, true);
        worst = Math.max(worst, tv - prev);
        prev = tv;
      },
    });
    assert.ok(worst <= 1e-12, `${scheme}: TV grew by ${worst}`);
  }
});

test("Riemann shock: position X0 + s t and observed speed = Rankine–Hugoniot (uL + uR)/2", () => {
  for (const scheme of ["godunov", "muscl", "weno5"]) {
    const run = (t: number) =>
      burgers({ ic: "riemann:2,-0.5,-1", scheme, cells: 800, domain: [-2, 2], bc: "outflow", t });
    const a = run(0.4);
    const b = run(0.8);
    const sa = detectShocks(a.x, a.u);
    const sb = detectShocks(b.x, b.u);
    assert.equal(sb.length, 1, `${scheme}: one shock`);
    near(sb[0].x, -1 + 0.75 * 0.8, 2 * b.dx, `${scheme} shock position`);
    near(sb[0].left, 2, 1e-3, "left state");
    near(sb[0].right, -0.5, 1e-3, "right state");
    const [tr] = trackShocks(sa, 0.4, sb, 0.8);
    near(tr.observedSpeed, 0.75, 0.01, `${scheme} observed speed`);
    near(tr.rhSpeed, 0.75, 1e-3, "RH speed");
  }
});

test("entropy-violating data uL < uR (expansion shock) open into the fan u = x/t", () => {
  for (const scheme of ["godunov", "rusanov", "roe", "engquist-osher", "muscl", "muscl-mc", "weno5"]) {
    const err = [200, 800].map((N) => {
      const r = burgers({ ic: "riemann:-1,1,0", scheme, cells: N, domain: [-2, 2], bc: "outflow", t: 1 });
      assert.equal(detectShocks(r.x, r.u).length, 0, `${scheme}: no shock in a rarefaction`);
      near(r.u[N / 2], r.x[N / 2], 0.04, `${scheme}: u ≈ x/t next to the sonic point`);
      return errorNorms(
        r.u,
        r.x.map((x) => exact.burgersRiemann(-1, 1, x)),
        r.dx,
      ).l1;
    });
    // an expansion shock would keep an O(1) L1 error; the fan error shrinks under refinement
    assert.ok(err[1] < 0.025 && err[1] < 0.65 * err[0], `${scheme}: L1 distance to the fan ${err}`);
  }
});

test("viscous Burgers converges to the tanh travelling front at second order (MUSCL + central viscosity)", () => {
  const nu = 0.05;
  const front = (x: number, t: number) => exact.tanhFront(x, t, 1, -0.5, nu, -0.5);
  const h: number[] = [];
  const e: number[] = [];
  for (const N of [100, 200, 400]) {
    const g = makeGrid(-2, 2, N);
    const r = burgers({
      ic: (x) => front(x, 0),
      scheme: "muscl-mc",
      cells: N,
      domain: [-2, 2],
      bc: "outflow",
      t: 1,
      nu,
    });
    h.push(g.dx);
    const ref = exact.burgersCharacteristicAverages({ u0: (x) => front(x, 1), du0: () => 0, range: [-0.5, 1] }, g, 0);
    e.push(errorNorms(r.u, ref, g.dx).l1);
  }
  const p = observedOrder(h, e);
  assert.ok(p > 1.7, `viscous front order ${p}`);
});

test("bad options are InputErrors naming the field", () => {
  assert.throws(() => burgers({ ic: "sine", scheme: "lax-wendroff", cells: 10, t: 1 }), /scheme: expected one of/);
  assert.throws(() => burgers({ ic: "sine", cells: 0, t: 1 }), /cells: expected an integer in \[1, 10000000\], got 0/);
  assert.throws(() => burgers({ ic: "sine", cells: 10, t: -1 }), /t: expected a number >= 0/);
  assert.throws(() => burgers({ ic: "sine", cells: 10, t: 1, nu: -0.1 }), /nu: expected a number >= 0/);
  assert.throws(() => burgers({ ic: "sine", cells: 10, t: 1, domain: [1, 0] }), /domain: expected finite a < b/);
  assert.throws(() => burgers({ ic: "riemann:1", cells: 10, t: 1 }), /ic: expected riemann:UL,UR/);
  assert.throws(() => burgers({ ic: [1, 2, 3], cells: 10, t: 1 }), /ic: expected 10 values/);
  assert.throws(
    () => burgers({ ic: "sine", cells: 10, t: 1, bc: "reflect" as never }),
    /bc: expected one of periodic, outflow, got "reflect"/,
  );
});
