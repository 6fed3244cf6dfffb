/**
 * solveHeat2d against its oracles: a Fourier mode is multiplied per step by the exact discrete
 * amplification factor; the scheme converges to the continuous decay at first order in Δt and
 * second order in h; and, through Cole–Hopf, it solves viscous HJ (checked against the sine-data
 * Fourier series). Both kernel sets (WebAssembly-SIMD, TypeScript); stability and input checks.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  exact,
  heat2dStepper,
  makeGrid2d,
  observedOrder,
  sample2d,
  solveHeat2d,
  type Grid2D,
} from "../../src/pde/index.ts";
import { wasmDir } from "../kernels/helpers.ts";
import { maxAbsDiff, relNear } from "./helpers.ts";

process.env.SHOCKLENS_WASM_PDE ??= join(wasmDir(), "pde.wasm");

const TWO_PI = 2 * Math.PI;
const KERNELS = ["wasm-simd", "typescript"] as const;

/** sin(kx x) cos(ky y) on the cell centres. */
function mode(grid: Grid2D, kx: number, ky: number): Float64Array {
  return sample2d(grid, (x, y) => Math.sin(kx * x) * Math.cos(ky * y));
}

/** 1 − 4rx sin²(kx Δx/2) − 4ry sin²(ky Δy/2) for a step h. */
function amplification(grid: Grid2D, nu: number, h: number, kx: number, ky: number): number {
  const rx = (nu * h) / grid.x.dx ** 2,
    ry = (nu * h) / grid.y.dx ** 2;
  return 1 - 4 * rx * Math.sin((kx * grid.x.dx) / 2) ** 2 - 4 * ry * Math.sin((ky * grid.y.dx) / 2) ** 2;
}

test("a Fourier mode decays by the exact discrete amplification factor (square and rectangular cells)", () => {
  const cases = [
    { grid: makeGrid2d(0, TWO_PI, 48, 0, TWO_PI, 48), kx: 3, ky: 5, nu: 0.7 },
    { grid: makeGrid2d(0, TWO_PI, 33, 0, 2 * TWO_PI, 50), kx: 2, ky: 1.5, nu: 0.2 }, // Δx ≠ Δy, odd nx
  ];
  for (const { grid, kx, ky, nu } of cases) {
    const u0 = mode(grid, kx, ky);
    for (const kernels of KERNELS) {
      // fixed steps at the default dt (half the stability limit)
      const r = solveHeat2d({ grid, u0, nu, steps: 150, kernels });
      const G = amplification(grid, nu, r.dt, kx, ky) ** 150;
      assert.ok(
        maxAbsDiff(
          r.u,
          u0.map((v) => G * v),
        ) <= 1e-12,
        `${kernels} steps: ${maxAbsDiff(
          r.u,
          u0.map((v) => G * v),
        )}`,
      );
      // a final time: the last step is shortened, and its factor with it
      const dt = 0.9 * r.dt,
        T = 40.5 * dt;
      const s = solveHeat2d({ grid, u0, nu, dt, t: T, kernels });
      assert.equal(s.steps, 41);
      assert.equal(s.t, T);
      const Gt = amplification(grid, nu, dt, kx, ky) ** 40 * amplification(grid, nu, T - 40 * dt, kx, ky);
      assert.ok(
        maxAbsDiff(
          s.u,
          u0.map((v) => Gt * v),
        ) <= 1e-12,
        `${kernels} t`,
      );
      // the mean is conserved
      relNear(s.mass + 1, 1, 1e-13, "mass");
    }
  }
});

test("converges to exp(−ν|k|²t): first order in Δt, second order in h", () => {
  const nu = 0.5,
    kx = 1,
    ky = 2,
    T = 0.2;
  // Δt → 0 on a fixed grid, against the semi-discrete decay exp(−ν λ_h t) (λ_h: the 5-point eigenvalue)
  const grid = makeGrid2d(0, TWO_PI, 32, 0, TWO_PI, 32);
  const lam =
    (4 / grid.x.dx ** 2) * Math.sin((kx * grid.x.dx) / 2) ** 2 +
    (4 / grid.y.dx ** 2) * Math.sin((ky * grid.y.dx) / 2) ** 2;
  const u0 = mode(grid, kx, ky);
  const dts = [4e-3, 2e-3, 1e-3, 5e-4];
  const et = dts.map((dt) =>
    maxAbsDiff(
      solveHeat2d({ grid, u0, nu, dt, t: T }).u,
      u0.map((v) => Math.exp(-nu * lam * T) * v),
    ),
  );
  const pt = observedOrder(dts, et);
  assert.ok(pt > 0.97 && pt < 1.03, `time order ${pt}`);
  // h → 0 at fixed r = νΔt/h² (Δt ∝ h²), against the continuous decay: O(Δt + h²) = O(h²)
  const hs: number[] = [],
    eh: number[] = [];
  for (const n of [32, 64, 128]) {
    const g = makeGrid2d(0, TWO_PI, n, 0, TWO_PI, n);
    const v0 = mode(g, kx, ky);
    const r = solveHeat2d({ grid: g, u0: v0, nu, dt: (0.2 * g.x.dx ** 2) / nu, t: T });
    hs.push(g.x.dx);
    eh.push(
      maxAbsDiff(
        r.u,
        v0.map((v) => Math.exp(-nu * (kx * kx + ky * ky) * T) * v),
      ),
    );
  }
  const ph = observedOrder(hs, eh);
  assert.ok(ph > 1.97 && ph < 2.03, `space order ${ph}`);
});

test("Cole–Hopf: φ = exp(−u/2ν) through the heat solver reproduces viscous HJ for f = −cos x − cos y", () => {
  // φ₀ = e^{β cos x} e^{β cos y} stays a product, so u = u₁(x) + u₁(y) with u₁ the 1-D sine series
  const beta = 2,
    nu = 1 / (2 * beta),
    T = 0.5;
  const hs: number[] = [],
    es: number[] = [];
  for (const n of [24, 48, 96]) {
    const grid = makeGrid2d(0, TWO_PI, n, 0, TWO_PI, n);
    const phi0 = sample2d(grid, (x, y) => Math.exp(beta * (Math.cos(x) + Math.cos(y))));
    const r = solveHeat2d({ grid, u0: phi0, nu, dt: (0.2 * grid.x.dx ** 2) / nu, t: T });
    const u1 = exact.sineSeries(grid.x.x, T, beta).u;
    let e = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) e = Math.max(e, Math.abs(-2 * nu * Math.log(r.u[i * n + j]) - (u1[i] + u1[j])));
    hs.push(grid.x.dx);
    es.push(e);
  }
  assert.ok(es[2] < 8e-4, `error ${es[2]}`); // 7.07e-4 at h = 2π/96
  const p = observedOrder(hs, es);
  assert.ok(p > 1.93 && p < 2.05, `order ${p}`);
});

test("WebAssembly and TypeScript steps agree bitwise; onStep, the double buffer and t = 0", () => {
  const grid = makeGrid2d(0, 1, 7, 0, 3, 13);
  const u0 = sample2d(grid, (x, y) => Math.exp(Math.sin(7 * x * y)) + x);
  const logs = KERNELS.map((kernels) => {
    const log: [number, number, Float64Array][] = [];
    const r = solveHeat2d({ grid, u0, nu: 0.01, t: 0.3, kernels, onStep: (u, t, k) => log.push([t, k, u.slice()]) });
    return { r, log };
  });
  assert.deepEqual(logs[0].r.u, logs[1].r.u);
  assert.deepEqual(logs[0].log, logs[1].log);
  assert.deepEqual(logs[0].r.u, logs[0].log[logs[0].log.length - 1][2]);
  const s = heat2dStepper({ grid, nu: 0.01 });
  s.state.set(u0);
  s.step();
  s.step();
  assert.deepEqual(s.state, solveHeat2d({ grid, u0, nu: 0.01, steps: 2 }).u);
  const r0 = solveHeat2d({ grid, u0, nu: 0.01, t: 0 });
  assert.deepEqual([r0.u, r0.t, r0.steps], [Float64Array.from(u0), 0, 0]);
});

test("stability r ≤ 1/4 (rx + ry ≤ 1/2) and bad options are InputErrors", () => {
  const sq = makeGrid2d(0, 1, 10, 0, 1, 10); // h = 0.1
  const u0 = new Float64Array(100).fill(1);
  assert.equal(solveHeat2d({ grid: sq, u0, nu: 1, dt: 0.25 * 0.01, steps: 3 }).steps, 3); // r = 1/4: allowed
  assert.throws(() => solveHeat2d({ grid: sq, u0, nu: 1, dt: 0.26 * 0.01, steps: 3 }), {
    name: "InputError",
    message: /dt: .* is unstable/,
  });
  const rect = makeGrid2d(0, 1, 10, 0, 2, 10); // Δx = 0.1, Δy = 0.2: limit dt = 1/(2(100 + 25)) = 0.004
  assert.equal(heat2dStepper({ grid: rect, nu: 1, dt: 0.004 }).dt, 0.004);
  assert.throws(() => heat2dStepper({ grid: rect, nu: 1, dt: 0.0041 }), /unstable/);
  assert.equal(heat2dStepper({ grid: rect, nu: 1, cfl: 1 }).dt, 0.004);
  assert.throws(() => heat2dStepper({ grid: rect, nu: 1, cfl: 1.5 }), /cfl: expected a fraction/);
  assert.throws(() => heat2dStepper({ grid: sq, nu: 0 }), /nu: expected a number > 0/);
  assert.throws(() => heat2dStepper({ grid: sq, nu: 1, dt: -1 }), /dt: expected a number > 0/);
  assert.throws(
    () => heat2dStepper({ grid: sq, nu: 1, kernels: "generic" as never }),
    /kernels: expected one of auto, wasm-simd, typescript/,
  );
  assert.throws(() => heat2dStepper({ grid: makeGrid2d(0, 1, 1, 0, 1, 5), nu: 1 }), /at least 2 cells per axis/);
  assert.throws(() => solveHeat2d({ grid: sq, u0: [1, 2], nu: 1, t: 1 }), /u0: expected 100 values/);
  assert.throws(() => solveHeat2d({ grid: sq, u0, nu: 1 }), /t: expected a final time/);
});
