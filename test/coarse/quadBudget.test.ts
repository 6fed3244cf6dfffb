/**
 * The adaptive quadrature table never holds more than maxPoints points (docs/local-entropy.md
 * §quadrature): a window that must widen beyond the budget is coarsened first, and when even that
 * leaves no room the error estimates are withdrawn with the reason instead of the budget being
 * exceeded. Oracle: the closed form docs/theory.md §C1 (src/pde/exact/quadratic.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { quadraticSolution } from "../../src/pde/exact/quadratic.ts";
import { entropyGrid1d, entropyGrid2d, localEntropy, quadraticObjective } from "../../src/coarse/index.ts";
import { InputError } from "../../src/errors.ts";
import { ROUNDOFF } from "./helpers.ts";

test("regression: a 2-D grid on a nearly flat quadratic stays within maxPoints = 65² and within its error of §C1", () => {
  const A = [
    [0.1, 0],
    [0, 0.001],
  ];
  const axis = [0, 0.01];
  const [t, beta, maxPoints] = [0.2, 20, 65 * 65];
  const g = entropyGrid2d(quadraticObjective(A, [0, 0], 0.0026), axis, axis, [t], beta, { tol: 1e-6, maxPoints });
  assert.ok(g.points <= maxPoints, `${g.points} points > ${maxPoints}`);
  assert.ok(g.evaluations <= maxPoints, `${g.evaluations} evaluations > ${maxPoints}`);
  assert.equal(g.truncated, null);
  assert.deepEqual(g.warnings, []);
  const exact = quadraticSolution(A, [0, 0], 0.0026);
  const uError = g.uError as number;
  assert.ok(uError <= 1e-6, `error estimate ${uError}`);
  axis.forEach((s1, i) =>
    axis.forEach((s2, j) => {
      const err = Math.abs(g.u[0][i * 2 + j] - exact.u([s1, s2], t, beta));
      assert.ok(err <= uError + ROUNDOFF, `u(${s1}, ${s2}): error ${err} > estimate ${uError}`);
    }),
  );
});

test("a concave direction widens the kernel tenfold: the window is coarsened to fit maxPoints and stays within its error", () => {
  // f = −0.45 r², t = 1: 1 + tA = 0.1, the kernel's standard deviation is √10 times the prior's
  const A = [[-0.9]];
  const exact = quadraticSolution(A, [0.3]);
  const [t, beta] = [1, 1];
  for (const maxPoints of [129, 2 ** 16 + 1]) {
    const g = entropyGrid1d(quadraticObjective(A, [0.3]), [0, 0.5], [t], beta, { tol: 1e-8, maxPoints });
    assert.ok(g.points <= maxPoints, `${g.points} points > ${maxPoints}`);
    assert.equal(g.truncated, null, `maxPoints ${maxPoints}`);
    [0, 0.5].forEach((s, i) => {
      const err = Math.abs(g.u[0][i] - exact.u([s], t, beta));
      assert.ok(err <= (g.uError as number) + ROUNDOFF, `maxPoints ${maxPoints}: u(${s}) error ${err} > ${g.uError}`);
      const perr = Math.abs(g.p[0][0][i] - exact.p([s], t)[0]);
      assert.ok(perr <= (g.pError as number) + ROUNDOFF, `maxPoints ${maxPoints}: p(${s}) error ${perr} > ${g.pError}`);
    });
  }
  const r = localEntropy(quadraticObjective(A, [0.3]), Float64Array.of(0.5), {
    method: "quadrature",
    t,
    beta,
    maxPoints: 129,
  });
  const details = r.details as { points: number; steps: number[] };
  assert.ok(details.points <= 129);
  assert.ok(
    details.steps[0] > 0.25,
    `step ${details.steps[0]}: the window was widened by coarsening the first step √(t/β)/4`,
  );
  assert.ok(r.stderr !== null && Math.abs((r.u as number) - exact.u([0.5], t, beta)) <= r.stderr);
});

test("an integrand that never decays (I + tA not positive): no more than maxPoints, error bars withdrawn with the reason", () => {
  const A = [[-1.2]]; // 1 + tA = −0.2 at t = 1: u is infinite
  for (const maxPoints of [65, 4097]) {
    const g = entropyGrid1d(quadraticObjective(A, [0]), [0], [1], 1, { maxPoints });
    assert.ok(g.points <= maxPoints, `${g.points} points > ${maxPoints}`);
    assert.match(g.truncated ?? "", /no room to widen/);
    assert.equal(g.uError, null);
    assert.equal(g.pError, null);
    assert.equal(g.warnings.filter((w) => /error estimates withdrawn: .*no room to widen/.test(w)).length, 1);
    const r = localEntropy(quadraticObjective(A, [0]), Float64Array.of(0), {
      method: "quadrature",
      t: 1,
      beta: 1,
      maxPoints,
    });
    assert.equal(r.stderr, null);
    assert.equal(r.gradStderr, null);
    assert.equal(r.reliability.certified, false);
    assert.match(r.reliability.reason ?? "", /maxPoints = \d+ leaves no room to widen/);
    assert.equal(r.warnings.length, 1, r.warnings.join(" | "));
  }
});

test("maxPoints below 9 per axis is bad input naming the field", () => {
  assert.throws(
    () => entropyGrid2d((a, b) => a * a + b * b, [0], [0], [1], 1, { maxPoints: 80 }),
    (e: unknown) => e instanceof InputError && /^maxPoints: a 2-D table needs at least 81 points/.test(e.message),
  );
});
