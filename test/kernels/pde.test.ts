/**
 * The stencil kernels: every WebAssembly-SIMD stage equals its TypeScript twin (src/pde/fused) bitwise on
 * random periodic fields of odd and even sizes (so the SIMD tails and the WENO5 block edges run),
 * for each stage form (a = 0, a ≠ 0, out = u0) and flux; and the benchmark workloads, which run
 * these kernels through the library's steppers, against the C reference's checksum and check2
 * (docs/performance.md §pde-workloads) to 1e-9.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { WasmStencils } from "../../src/pde/fused/wasm.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { TS_KERNELS } from "../../src/pde/fused/kernels.ts";
import { fillGhosts } from "../../src/pde/grid.ts";
import { PDE_WORKLOADS } from "../../bench/pde.ts";
import { REFERENCE_CHECKS } from "../../bench/suite.ts";
import { wasmDir } from "./helpers.ts";

const w = new WasmStencils(join(wasmDir(), "pde.wasm"));

/** A ghosted random periodic field: smooth part, noise, and one jump. */
function field(rng: FastNormal, n: number, g: number): Float64Array {
  const u = new Float64Array(n + 2 * g);
  for (let i = 0; i < n; i++)
    u[g + i] = 0.3 + Math.sin((2 * Math.PI * i) / n) + 0.2 * rng.normal() + (i > n / 2 ? -0.8 : 0);
  fillGhosts(u, n, g, "periodic");
  return u;
}

const STAGES: [a: number, b: number][] = [
  [0, 1],
  [0.75, 0.25],
  [1 / 3, 2 / 3],
];

test("wasm-SIMD stages equal the TypeScript stages (MUSCL, first order, both fluxes; WENO5) and maxAbs", () => {
  const rng = new FastNormal(11);
  for (const n of [1, 2, 5, 37, 64, 101, 1031, 1536]) {
    const dx = 1 / n,
      dt = 0.3 * dx;
    for (const [weno, g] of [
      [false, 2],
      [true, 3],
    ] as const) {
      const len = n + 2 * g;
      const [wi, w0, wo] = w.fields([len, len, len]);
      const ti = field(rng, n, g),
        t0 = field(rng, n, g);
      for (const [a, b] of STAGES) {
        for (const variant of weno
          ? [null]
          : ([
              [0.5, true],
              [0.5, false],
              [0, true],
              [0, false],
            ] as const)) {
          for (const intoU0 of [false, true]) {
            wi.set(ti);
            w0.set(t0);
            const to = intoU0 ? t0.slice() : new Float64Array(len);
            const wOut = intoU0 ? w0 : wo;
            const tU0 = intoU0 ? to : t0;
            if (variant === null) {
              w.wenoStage(wi, w0, wOut, n, 1 / dx, dt, a, b);
              TS_KERNELS.wenoStage(ti, tU0, to, n, 1 / dx, dt, a, b);
            } else {
              w.musclStage(wi, w0, wOut, n, 1 / dx, dt, a, b, variant[0], variant[1]);
              TS_KERNELS.musclStage(ti, tU0, to, n, 1 / dx, dt, a, b, variant[0], variant[1]);
            }
            const what = `${weno ? "weno5" : `muscl θ=${variant?.[0]} godunov=${variant?.[1]}`} n=${n} a=${a}${intoU0 ? " out=u0" : ""}`;
            assert.deepEqual(wOut.subarray(g, g + n), to.subarray(g, g + n), what);
          }
        }
      }
      assert.equal(w.maxAbs(wi, g, n), TS_KERNELS.maxAbs(ti, g, n));
    }
  }
});

test("wasm-SIMD heat step equals the TypeScript step (odd and even rows, rx ≠ ry)", () => {
  const rng = new FastNormal(12);
  for (const [nx, ny] of [
    [2, 2],
    [3, 5],
    [37, 64],
    [64, 101],
  ]) {
    const [h, hn] = w.fields([nx * ny, nx * ny]);
    rng.fill(h);
    const th = h.slice(),
      thn = new Float64Array(nx * ny);
    w.heatStep(h, hn, nx, ny, 0.2, 0.05);
    TS_KERNELS.heatStep(th, thn, nx, ny, 0.2, 0.05);
    assert.deepEqual(hn, thn, `heat ${nx}×${ny}`);
  }
  assert.throws(() => w.heatStep(new Float64Array(4), new Float64Array(4), 2, 2, 0.2, 0.2), /not a view/);
});

test("the PDE workloads reproduce the C reference's checksum and check2 (wasm and TypeScript)", () => {
  for (const [name, make] of Object.entries(PDE_WORKLOADS)) {
    for (const wasm of [true, false]) {
      if (!wasm && name === "burgers-weno5") continue; // the TS stage is checked above; keep the suite short
      const wl = make({ wasm });
      assert.equal(wl.kernels, wasm ? "wasm-simd" : "typescript");
      wl.reset();
      wl.run();
      const { checksum, check2 } = wl.check();
      const [c1, c2] = REFERENCE_CHECKS[name];
      assert.ok(Math.abs(checksum - c1) <= 1e-9 * c1, `${name} (${wl.kernels}) checksum ${checksum}`);
      assert.ok(Math.abs(check2 - c2) <= 1e-9 * c2, `${name} (${wl.kernels}) check2 ${check2}`);
      // a second repetition starts again from the initial field
      wl.reset();
      wl.run();
      assert.equal(wl.check().check2, check2);
    }
  }
});
