import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { FLUXES, getFlux } from "../../src/pde/fluxes/registry.ts";
import { burgersFlux } from "../../src/pde/fluxes/types.ts";
import { InputError } from "../../src/errors.ts";

const num = fc.double({ min: -5, max: 5, noNaN: true });

test("every flux has metadata {name, order, reference} and is consistent: F(u, u) = u²/2", () => {
  for (const [name, info] of Object.entries(FLUXES)) {
    assert.equal(info.name, name);
    assert.equal(info.order, 1);
    assert.ok(info.reference.length > 10);
    fc.assert(fc.property(num, (u) => Math.abs(info.flux(u, u) - burgersFlux(u)) <= 1e-14 * (1 + u * u)));
  }
});

test("every flux is monotone: non-decreasing in uL, non-increasing in uR", () => {
  for (const info of Object.values(FLUXES)) {
    fc.assert(
      fc.property(num, num, fc.double({ min: 0, max: 1, noNaN: true }), (a, b, d) => {
        const F = info.flux;
        return F(a + d, b) >= F(a, b) - 1e-12 && F(a, b + d) <= F(a, b) + 1e-12;
      }),
      { numRuns: 300 },
    );
  }
});

test("Godunov = exact Riemann flux max(f(max(uL,0)), f(min(uR,0))) incl. the transonic fan", () => {
  const F = getFlux("godunov").flux;
  fc.assert(
    fc.property(num, num, (a, b) => F(a, b) === Math.max(burgersFlux(Math.max(a, 0)), burgersFlux(Math.min(b, 0)))),
  );
  assert.equal(F(-1, 1), 0); // sonic point inside the fan
  assert.equal(F(2, -1), 2); // shock moving right: upwind uL
  assert.equal(F(1, -2), 2); // shock moving left: upwind uR
});

test("Roe's Harten–Hyman fix removes the expansion shock; Engquist–Osher formula", () => {
  const roe = getFlux("roe").flux;
  // without a fix Roe gives ½(f(−1) + f(1)) − ½·0·2 = ½ (a stationary expansion shock); fixed: Godunov's 0
  assert.equal(roe(-1, 1), 0);
  assert.equal(roe(2, -1), 0.5 * (2 + 0.5) - 0.5 * 0.5 * -3); // shock: plain Roe, |â| = 0.5
  const eo = getFlux("engquist-osher").flux;
  assert.equal(eo(2, -3), 2 + 4.5);
  assert.equal(eo(-1, 1), 0);
});

test("unknown flux names (also Object.prototype keys) are InputErrors", () => {
  assert.throws(() => getFlux("hllc"), InputError);
  assert.throws(() => getFlux("toString"), InputError);
});
