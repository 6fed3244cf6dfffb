/** Residuals of the exact (Cole–Hopf) solutions fall like h² — docs/theory.md §a.2/a.5 and e.1 step 3. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  burgersResidual1d,
  burgersResidual2d,
  coleHopf1d,
  coleHopf2d,
  curl2d,
  exact,
  hjResidual1d,
  hjResidual2d,
} from "../../src/pde/index.ts";
import { linspace, near } from "./helpers.ts";

test("1-D HJ and Burgers residuals of Cole–Hopf (tilted double well, β = 4, t = 0.7) fall ×4 per halving", () => {
  const beta = 4;
  const nu = 1 / (2 * beta);
  const f = (y: number) => exact.doubleWell(y, 0.1);
  const centres = linspace(-1.5, 1.5, 13);
  const t = 0.7;
  const hjMax: number[] = [];
  const bMax: number[] = [];
  for (const h of [4e-3, 2e-3, 1e-3]) {
    // three-point windows x ± h around each centre, at t − h, t, t + h (k = h)
    const xs = centres.flatMap((c) => [c - h, c, c + h]);
    const at = (tt: number) => coleHopf1d(f, xs, tt, beta, { y: { min: -8, max: 8, n: 16001 } });
    const snaps = [at(t - h), at(t), at(t + h)];
    let mh = 0;
    let mb = 0;
    for (let c = 0; c < centres.length; c++) {
      const win = (a: Float64Array) => a.subarray(3 * c, 3 * c + 3);
      mh = Math.max(mh, hjResidual1d([win(snaps[0].u), win(snaps[1].u), win(snaps[2].u)], h, h, nu).maxAbs);
      mb = Math.max(mb, burgersResidual1d([win(snaps[0].p), win(snaps[1].p), win(snaps[2].p)], h, h, nu).maxAbs);
    }
    hjMax.push(mh);
    bMax.push(mb);
  }
  // docs/theory.md §a.2: 1.969e-6, 4.922e-7, 1.230e-7
  near(hjMax[0], 1.969e-6, 0.01e-6, "HJ residual h = 4e-3");
  near(hjMax[2], 1.23e-7, 0.01e-7, "HJ residual h = 1e-3");
  for (const r of [hjMax, bMax]) {
    near(r[0] / r[1], 4, 0.1, "halving ratio");
    near(r[1] / r[2], 4, 0.1, "halving ratio");
  }
  assert.ok(bMax[2] < 1e-6, `Burgers residual ${bMax[2]} (docs/theory.md §a.5: 5.6e-7)`);
});

test("2-D HJ / vector-Burgers residuals and curl of Cole–Hopf (f = ½yᵀAy + |y|⁴/4, β = 3) fall like h²", () => {
  const th = 0.4;
  const [c, s] = [Math.cos(th), Math.sin(th)];
  const A = [
    [c * c - 0.5 * s * s, 1.5 * c * s],
    [1.5 * c * s, s * s - 0.5 * c * c],
  ]; // R diag(1, −0.5) Rᵀ
  const f = (a: number, b: number) =>
    0.5 * (A[0][0] * a * a + 2 * A[0][1] * a * b + A[1][1] * b * b) + 0.25 * (a * a + b * b) ** 2;
  const beta = 3;
  const nu = 1 / (2 * beta);
  const t = 0.8;
  const grid: [{ min: number; max: number; n: number }, { min: number; max: number; n: number }] = [
    { min: -5, max: 5, n: 401 },
    { min: -5, max: 5, n: 401 },
  ];
  const res: number[][] = [];
  for (const h of [4e-3, 2e-3]) {
    let wh = 0;
    let wb = 0;
    let wc = 0;
    for (const [x0, y0] of [
      [0.3, -0.2],
      [-0.7, 0.5],
    ]) {
      const xs = [x0 - h, x0, x0 + h];
      const ys = [y0 - h, y0, y0 + h];
      const snaps = [t - h, t, t + h].map((tt) => coleHopf2d(f, xs, ys, tt, beta, { grid }));
      wh = Math.max(wh, hjResidual2d([snaps[0].u, snaps[1].u, snaps[2].u], 3, 3, h, h, h, nu).maxAbs);
      const [r1, r2] = burgersResidual2d(
        [snaps[0].p1, snaps[1].p1, snaps[2].p1],
        [snaps[0].p2, snaps[1].p2, snaps[2].p2],
        3,
        3,
        h,
        h,
        h,
        nu,
      );
      wb = Math.max(wb, r1.maxAbs, r2.maxAbs);
      wc = Math.max(wc, curl2d(snaps[1].p1, snaps[1].p2, 3, 3, h, h).maxAbs);
    }
    res.push([wh, wb, wc]);
  }
  assert.ok(
    res[1][0] < 2e-6 && res[1][1] < 4e-6,
    `2-D residuals ${res[1]} (docs/theory.md §a.2, a.5: 1.0e-6 / 2.0e-6 at h = 2e-3)`,
  );
  near(res[0][0] / res[1][0], 4, 0.3, "HJ h² ratio");
  near(res[0][1] / res[1][1], 4, 0.3, "Burgers h² ratio");
  assert.ok(res[1][2] < 1e-6, `curl ${res[1][2]} (docs/theory.md §a.5: 5.9e-8)`);
});
