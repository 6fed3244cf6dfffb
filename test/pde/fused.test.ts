/**
 * The fused Burgers stage kernels (WebAssembly-SIMD and TypeScript) against their oracle, the
 * generic method-of-lines path: every covered scheme × flux × stepper, final time (shortened last
 * step) and step count, smooth and shocked data, odd and tiny grids (SIMD tails, ghosts wrapping
 * more than once). Also which cases take the fused path, and that a blown-up state stops its clock.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import {
  burgers1dStepper,
  makeGrid,
  solveBurgers1d,
  type Burgers1dOptions,
  type StepperName,
} from "../../src/pde/index.ts";
import { wasmDir } from "../kernels/helpers.ts";
import { maxAbsDiff } from "./helpers.ts";

// the WebAssembly kernels are always tested: built here when the package build has not run
process.env.SHOCKLENS_WASM_PDE ??= join(wasmDir(), "pde.wasm");

const TWO_PI = 2 * Math.PI;
const COVERED: { scheme: string; flux?: string }[] = [
  { scheme: "muscl" }, // Godunov flux
  { scheme: "muscl", flux: "rusanov" },
  { scheme: "godunov" }, // first order
  { scheme: "rusanov" },
  { scheme: "godunov", flux: "rusanov" },
  { scheme: "weno5" },
];
const STEPPERS: StepperName[] = ["euler", "ssprk2", "ssprk3"];

function data(n: number): Record<string, Float64Array> {
  const g = makeGrid(0, TWO_PI, n);
  return {
    smooth: g.x.map((x) => Math.sin(x) + 0.5),
    // a right-moving shock, a standing one and a transonic fan: every Godunov branch is taken
    shocked: g.x.map((x) => (x < 2 ? 1.5 : x < 4 ? -0.7 : 0.4) + 0.1 * Math.sin(3 * x)),
  };
}

function agree(base: Omit<Burgers1dOptions, "kernels">, what: string): void {
  const ref = solveBurgers1d({ ...base, kernels: "generic" });
  for (const kernels of ["typescript", "wasm-simd"] as const) {
    const r = solveBurgers1d({ ...base, kernels });
    const d = maxAbsDiff(r.u, ref.u);
    assert.ok(d <= 1e-13, `${what} ${kernels}: max |fused − generic| = ${d}`);
    assert.equal(r.t, ref.t, `${what} ${kernels}: t`);
    assert.equal(r.steps, ref.steps, `${what} ${kernels}: steps`);
    assert.equal(r.scheme, ref.scheme);
    assert.equal(r.values, ref.values);
  }
}

test("fused stages = generic method of lines, every covered scheme × flux × stepper, t or steps", () => {
  const n = 101;
  const grid = makeGrid(0, TWO_PI, n);
  for (const [ic, u0] of Object.entries(data(n))) {
    for (const { scheme, flux } of COVERED) {
      for (const stepper of STEPPERS) {
        for (const run of [{ t: 0.61 }, { steps: 17 }]) {
          agree(
            { grid, u0, scheme, flux, stepper, cfl: 0.4, ...run },
            `${ic} ${scheme}+${flux ?? "default"}/${stepper} ${JSON.stringify(run)}`,
          );
        }
      }
    }
  }
});

test("fused stages on tiny and odd grids (ghosts wrap, scalar tails) and with maxDt", () => {
  for (const n of [1, 2, 3, 4, 5, 7, 9, 33]) {
    const grid = makeGrid(-1, 2, n);
    const u0 = grid.x.map((x) => 0.3 + Math.cos(2 * x) + 0.2 * Math.sin(7 * x));
    for (const { scheme, flux } of COVERED) {
      agree(
        { grid, u0, scheme, flux, stepper: "ssprk3", t: 0.37, maxDt: 0.011 },
        `n=${n} ${scheme}+${flux ?? "default"}`,
      );
    }
  }
});

test("onStep sees the same states and times on both paths, and may not be skipped", () => {
  const grid = makeGrid(0, TWO_PI, 64);
  const u0 = data(64).shocked;
  const seen = (kernels: Burgers1dOptions["kernels"]) => {
    const log: { t: number; k: number; u: Float64Array }[] = [];
    solveBurgers1d({
      grid,
      u0,
      scheme: "muscl",
      t: 0.5,
      kernels,
      onStep: (u, t, k) => log.push({ t, k, u: u.slice() }),
    });
    return log;
  };
  const a = seen("generic"),
    b = seen("wasm-simd"),
    c = seen("typescript");
  assert.ok(a.length > 5);
  assert.equal(b.length, a.length);
  assert.equal(c.length, a.length);
  for (let i = 0; i < a.length; i++) {
    assert.equal(b[i].t, a[i].t);
    assert.equal(c[i].k, a[i].k);
    assert.ok(maxAbsDiff(b[i].u, a[i].u) <= 1e-13 && maxAbsDiff(c[i].u, a[i].u) <= 1e-13, `step ${i + 1}`);
  }
  assert.equal(a[a.length - 1].t, 0.5);
});

test("auto takes the fused path exactly where it applies; forcing it elsewhere is an InputError", () => {
  const grid = makeGrid(0, 1, 16);
  const kind = (o: Partial<Parameters<typeof burgers1dStepper>[0]>) =>
    burgers1dStepper({ grid, scheme: "muscl", ...o }).kernels;
  assert.equal(kind({}), "wasm-simd");
  assert.equal(kind({ scheme: "weno5", stepper: "euler" }), "wasm-simd");
  assert.equal(kind({ kernels: "typescript" }), "typescript");
  assert.equal(kind({ kernels: "generic" }), "generic");
  for (const o of [
    { nu: 0.01 },
    { bc: "outflow" as const },
    { scheme: "muscl-mc" },
    { flux: "roe" },
    { scheme: "engquist-osher" },
  ]) {
    assert.equal(kind(o), "generic", JSON.stringify(o));
    assert.throws(() => kind({ ...o, kernels: "typescript" }), /kernels: typescript covers periodic inviscid/);
  }
  assert.throws(
    () => kind({ kernels: "gpu" as never }),
    /kernels: expected one of auto, wasm-simd, typescript, generic/,
  );
  for (const kernels of ["auto", "generic"] as const) {
    assert.throws(() => kind({ kernels, stepper: "rk4" as never }), {
      name: "InputError",
      message: /stepper: expected one of euler, ssprk2, ssprk3/,
    });
  }
});

test("a blown-up state gets the generic path's time step (NaN and ∞ reach max|u|), so the clock stops alike", () => {
  const grid = makeGrid(0, 1, 37);
  for (const scheme of ["muscl", "weno5"]) {
    const dts = (["generic", "wasm-simd", "typescript"] as const).map((kernels) => {
      const s = burgers1dStepper({ grid, scheme, kernels });
      s.state.fill(0.5);
      s.state[30] = NaN;
      const withNaN = s.stableDt();
      s.state[30] = -Infinity;
      return [withNaN, s.stableDt()];
    });
    assert.deepEqual(dts[1], dts[0], scheme);
    assert.deepEqual(dts[2], dts[0], scheme);
    assert.equal(dts[0][1], 0);
    assert.ok(Number.isNaN(dts[0][0]), "a NaN state has no stable time step");
    for (const kernels of ["generic", "wasm-simd", "typescript"] as const) {
      const u0 = new Float64Array(37).fill(0.5);
      const blowUp = (u: Float64Array, _t: number, k: number) => {
        if (k === 3) u[30] = Infinity;
      };
      assert.throws(() => solveBurgers1d({ grid, u0, scheme, t: 1, kernels, onStep: blowUp }), /time step is 0 at t=/);
      const nanAt = (u: Float64Array, _t: number, k: number) => {
        if (k === 3) u[30] = NaN;
      };
      assert.throws(() => solveBurgers1d({ grid, u0, scheme, t: 1, kernels, onStep: nanAt }), /time step is NaN at t=/);
    }
  }
});

test("the stepper: step() = advance(stableDt()), state re-read after a double-buffered step", () => {
  const grid = makeGrid(0, TWO_PI, 200);
  const u0 = data(200).smooth;
  for (const kernels of ["wasm-simd", "typescript", "generic"] as const) {
    const a = burgers1dStepper({ grid, scheme: "muscl", flux: "rusanov", stepper: "euler", cfl: 0.4, kernels });
    const b = burgers1dStepper({ grid, scheme: "muscl", flux: "rusanov", stepper: "euler", cfl: 0.4, kernels });
    a.state.set(u0);
    b.state.set(u0);
    let t = 0;
    for (let k = 0; k < 7; k++) {
      t += a.step();
      b.advance(b.stableDt());
    }
    assert.deepEqual(a.state, b.state);
    const r = solveBurgers1d({
      grid,
      u0,
      scheme: "muscl",
      flux: "rusanov",
      stepper: "euler",
      cfl: 0.4,
      steps: 7,
      kernels,
    });
    assert.deepEqual(a.state, r.u);
    assert.equal(r.t, t);
  }
});

test("the stencil axis selects as the GEMM's does: SHOCKLENS_STENCILS at first use; a named path that cannot load is an error", () => {
  const script = `
    import { burgers1dStepper, makeGrid } from "./src/pde/index.ts";
    const grid = makeGrid(0, 2 * Math.PI, 64);
    const out = {};
    for (const kernels of ["auto", "wasm-simd"]) {
      try {
        out[kernels] = burgers1dStepper({ grid, scheme: "muscl", kernels }).kernels;
      } catch (e) {
        out[kernels] = e.name + ": " + e.message;
      }
    }
    process.stdout.write(JSON.stringify(out));`;
  const run = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: new URL("../../", import.meta.url).pathname,
      encoding: "utf8",
      env: { ...process.env, SHOCKLENS_STENCILS: "", ...env },
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, string>;
  };
  const missing = "SHOCKLENS_WASM_PDE names /nonexistent/pde.wasm, which does not exist";
  // auto moves on to the TypeScript twins; asking for wasm-simd by name does not.
  const auto = run({ SHOCKLENS_WASM_PDE: "/nonexistent/pde.wasm" });
  assert.equal(auto.auto, "typescript");
  assert.equal(
    auto["wasm-simd"],
    `BackendUnavailableError: kernels: PDE stencil backend wasm-simd is not available: ${missing}`,
  );
  const forced = run({ SHOCKLENS_WASM_PDE: "/nonexistent/pde.wasm", SHOCKLENS_STENCILS: "wasm-simd" });
  assert.equal(
    forced.auto,
    `BackendUnavailableError: SHOCKLENS_STENCILS=wasm-simd: PDE stencil backend wasm-simd is not available: ${missing}`,
  );
  assert.equal(run({ SHOCKLENS_STENCILS: "typescript" }).auto, "typescript");
});
