/**
 * Gridded local entropy of network slices solves the viscous HJ equation and its gradient solves
 * Burgers (docs/theory.md §a.2, a.5, e.1): the centred-FD residuals (src/pde/residual.ts)
 *   u_t + ½|∇u|² − νΔu,   p_t + (p·∇)p − νΔp,   ν = 1/(2β)
 * at fixed points fall by ≈ 4 per halving of h (k = h): pure second-order truncation error.
 * Also: ∇u = (x − ⟨y⟩)/t matches the FD of u; ∇²u = I/t − βCov/t²; the least-squares viscosity
 * of the data is 1/(2β); and the grid agrees with the pde module's Cole–Hopf quadrature.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { key } from "../../src/core/random.ts";
import { hjResidual1d, burgersResidual1d, hjResidual2d, burgersResidual2d, curl2d } from "../../src/pde/residual.ts";
import { coleHopf1d, coleHopf2d } from "../../src/pde/hj/coleHopf.ts";
import { entropyGrid1d, entropyGrid2d, sliceObjective, randomDirections } from "../../src/coarse/index.ts";
import { tinyNetwork } from "./helpers.ts";

const net = tinyNetwork();
const beta = 8;
const nu = 1 / (2 * beta);
const t0 = 0.5;
const H = [4e-3, 2e-3, 1e-3];
/** Quadrature tolerance of the 2-D grids (the default; its true error is far below the estimate). */
const TOL2 = 1e-9;
const slice1 = sliceObjective(net.objective, net.x0, randomDirections(key(41), net.objective.dim, 1));
const slice2 = sliceObjective(net.objective, net.x0, randomDirections(key(42), net.objective.dim, 2));

/** Successive ratios r(h)/r(h/2). */
const ratios = (r: number[]) => r.slice(1).map((v, i) => r[i] / v);

function assertSecondOrder(res: number[], what: string): void {
  for (const q of ratios(res))
    assert.ok(
      q > 3.6 && q < 4.4,
      `${what}: residuals ${res.map((v) => v.toExponential(2))} fall by ${ratios(res).map((v) => v.toFixed(2))} per halving, expected ≈ 4`,
    );
}

test("1-D network slice: HJ and Burgers residuals fall as h² (ratios ≈ 4), ν = 1/(2β) is the fitted viscosity", () => {
  const centres = [-0.4, 0, 0.3, 0.6];
  const hj: number[] = [];
  const bg: number[] = [];
  let nuFit = NaN;
  for (const h of H) {
    const s = centres.flatMap((c) => [c - h, c, c + h]);
    const g = entropyGrid1d(slice1.objective, s, [t0 - h, t0, t0 + h], beta, { tol: 1e-13 });
    assert.ok(g.uError !== null && g.uError <= 1e-13, `quadrature error ${g.uError}`);
    let rh = 0;
    let rb = 0;
    let num = 0;
    let den = 0;
    centres.forEach((_, i) => {
      const part = (a: Float64Array) => a.subarray(3 * i, 3 * i + 3);
      const u = [part(g.u[0]), part(g.u[1]), part(g.u[2])] as const;
      rh = Math.max(rh, Math.abs(hjResidual1d(u, h, h, nu).values[1]));
      rb = Math.max(
        rb,
        Math.abs(burgersResidual1d([part(g.p[0][0]), part(g.p[1][0]), part(g.p[2][0])], h, h, nu).values[1]),
      );
      // r = a − ν b with a = u_t + ½u_x², b = u_xx: the least-squares ν is Σab/Σb²
      const a = hjResidual1d(u, h, h, 0).values[1];
      const b = (u[1][2] - 2 * u[1][1] + u[1][0]) / (h * h);
      num += a * b;
      den += b * b;
    });
    hj.push(rh);
    bg.push(rb);
    nuFit = num / den;
  }
  assert.ok(hj[2] < 1e-6 && bg[2] < 1e-6, `residuals at h = 1e-3: HJ ${hj[2]}, Burgers ${bg[2]}`);
  assertSecondOrder(hj, "HJ");
  assertSecondOrder(bg, "Burgers");
  assert.ok(Math.abs(nuFit - nu) < 1e-4 * nu, `fitted ν = ${nuFit}, 1/(2β) = ${nu}`);
});

test("2-D network slice: HJ and vector Burgers residuals fall as h², p is curl-free", () => {
  // one tensor grid per h holds the 3×3 stencils of every centre (c1, c2) ∈ C1 × C2
  const C1 = [-0.4, 0, 0.3];
  const C2 = [-0.2, 0, 0.25];
  const hj: number[] = [];
  const bg: number[] = [];
  let curl = 0;
  for (const h of H) {
    const axis = (cs: number[]) => cs.flatMap((c) => [c - h, c, c + h]);
    const g = entropyGrid2d(slice2.objective, axis(C1), axis(C2), [t0 - h, t0, t0 + h], beta, { tol: TOL2 });
    assert.ok(g.uError !== null && g.uError <= TOL2, `quadrature error ${g.uError}`);
    const n2 = 3 * C2.length;
    let rh = 0;
    let rb = 0;
    for (let a = 0; a < C1.length; a++) {
      for (let b = 0; b < C2.length; b++) {
        // the 3×3 block around grid point (3a + 1, 3b + 1), row-major
        const block = (f: Float64Array) =>
          Float64Array.from({ length: 9 }, (_, k) => f[(3 * a + Math.floor(k / 3)) * n2 + 3 * b + (k % 3)]);
        const snap = (get: (ti: number) => Float64Array) => [block(get(0)), block(get(1)), block(get(2))] as const;
        rh = Math.max(
          rh,
          Math.abs(
            hjResidual2d(
              snap((ti) => g.u[ti]),
              3,
              3,
              h,
              h,
              h,
              nu,
            ).values[4],
          ),
        );
        const [b1, b2] = burgersResidual2d(
          snap((ti) => g.p[ti][0]),
          snap((ti) => g.p[ti][1]),
          3,
          3,
          h,
          h,
          h,
          nu,
        );
        rb = Math.max(rb, Math.abs(b1.values[4]), Math.abs(b2.values[4]));
        curl = Math.max(curl, Math.abs(curl2d(block(g.p[1][0]), block(g.p[1][1]), 3, 3, h, h).values[4]));
      }
    }
    hj.push(rh);
    bg.push(rb);
  }
  assert.ok(hj[2] < 1e-5 && bg[2] < 1e-5, `residuals at h = 1e-3: HJ ${hj[2]}, Burgers ${bg[2]}`);
  assertSecondOrder(hj, "2-D HJ");
  assertSecondOrder(bg, "2-D Burgers");
  assert.ok(curl < 1e-6, `curl ${curl}`);
});

test("∇u = (x − ⟨y⟩)/t equals the finite difference of u, and u_ss = 1/t − βVar/t² (1-D network slice)", () => {
  const s0 = [-0.5, 0.1, 0.7];
  for (const h of [1e-4]) {
    const s = s0.flatMap((c) => [c - h, c, c + h]);
    const g = entropyGrid1d(slice1.objective, s, [t0], beta);
    s0.forEach((_, i) => {
      const [um, , up] = g.u[0].subarray(3 * i, 3 * i + 3);
      const fd = (up - um) / (2 * h);
      const p = g.p[0][0][3 * i + 1];
      assert.ok(Math.abs(fd - p) < 1e-8, `p = ${p}, FD u_s = ${fd}`);
    });
  }
  const h = 1e-3;
  const s = s0.flatMap((c) => [c - h, c, c + h]);
  const g = entropyGrid1d(slice1.objective, s, [t0], beta);
  s0.forEach((_, i) => {
    const [um, uc, up] = g.u[0].subarray(3 * i, 3 * i + 3);
    const var_ = g.cov[0][0][3 * i + 1];
    const uss = (up - 2 * uc + um) / (h * h);
    assert.ok(
      Math.abs(uss - (1 / t0 - (beta * var_) / (t0 * t0))) < 1e-5,
      `u_ss ${uss} vs ${1 / t0 - (beta * var_) / (t0 * t0)}`,
    );
  });
});

test("gridded solutions agree with the pde module's fixed-grid Cole–Hopf quadrature (1-D and 2-D)", () => {
  const f = (y: number) => 0.25 * (y * y - 1) ** 2 + 0.1 * y;
  const xs = Float64Array.from({ length: 13 }, (_, i) => -1.5 + 0.25 * i);
  const mine = entropyGrid1d(f, xs, [0.7], 4);
  const ref = coleHopf1d(f, xs, 0.7, 4, { y: { min: -8, max: 8, n: 16001 } });
  for (let i = 0; i < xs.length; i++) {
    assert.ok(Math.abs(mine.u[0][i] - ref.u[i]) < 1e-11, `u at ${xs[i]}: ${mine.u[0][i]} vs ${ref.u[i]}`);
    assert.ok(Math.abs(mine.p[0][0][i] - ref.p[i]) < 1e-10, `p at ${xs[i]}`);
  }
  const f2 = (a: number, b: number) => 0.5 * (1.0 * a * a + 0.6 * a * b - 0.5 * b * b) + 0.25 * (a * a + b * b) ** 2;
  const x1 = [0.3, -0.7];
  const x2 = [-0.2, 0.5];
  const m2 = entropyGrid2d(f2, x1, x2, [0.8], 3);
  const r2 = coleHopf2d(f2, x1, x2, 0.8, 3, {
    grid: [
      { min: -5, max: 5, n: 301 },
      { min: -5, max: 5, n: 301 },
    ],
  });
  for (let i = 0; i < 4; i++) {
    assert.ok(Math.abs(m2.u[0][i] - r2.u[i]) < 1e-10, `2-D u[${i}]: ${m2.u[0][i]} vs ${r2.u[i]}`);
    assert.ok(Math.abs(m2.p[0][0][i] - r2.p1[i]) < 1e-9 && Math.abs(m2.p[0][1][i] - r2.p2[i]) < 1e-9, `2-D p[${i}]`);
  }
});
