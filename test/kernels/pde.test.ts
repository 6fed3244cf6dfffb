/**
 * The stencil kernels: the WebAssembly-SIMD steps against the plain-TypeScript ones on a small
 * random periodic field (odd sizes, so the scalar tails run too), and both full benchmark
 * workloads against the C reference's checksum and check2 (workloads.md §6) to 1e-9.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { WasmStencils } from "../../src/core/kernels/wasm/pdeWasm.ts";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { musclStep, wenoStep, heatStep, PDE_WORKLOADS } from "../../bench/pde.ts";
import { REFERENCE_CHECKS } from "../../bench/suite.ts";
import { relDiff, wasmDir } from "./helpers.ts";

const w = new WasmStencils(join(wasmDir(), "pde.wasm"));

test("wasm-SIMD MUSCL, WENO5 and heat steps equal the TypeScript steps on random fields", () => {
  const rng = new FastNormal(11);
  for (const n of [37, 64, 101]) {
    const dx = (2 * Math.PI) / n;
    // MUSCL (2 ghosts)
    const u0 = new Float64Array(n + 4);
    for (let i = 2; i < n + 2; i++) u0[i] = 0.5 + Math.sin(i * dx) + 0.2 * rng.normal();
    const [wu, wun, wF] = w.fields([n + 4, n + 4, n + 4]);
    wu.set(u0);
    const tu = u0.slice(), tun = new Float64Array(n + 4);
    let a = wu, b = wun, c = tu, d = tun;
    for (let s = 0; s < 5; s++) {
      w.musclStep(a, b, wF, n, dx);
      musclStep(c, d, n, dx);
      [a, b, c, d] = [b, a, d, c];
    }
    assert.ok(relDiff(a.subarray(2, n + 2), c.subarray(2, n + 2)) < 1e-13, `muscl n=${n}`);
    // WENO5 (3 ghosts)
    const len = n + 6;
    const [u, u1, u2, fp, fm, Fh] = w.fields([len, len, len, len, len, len]);
    for (let i = 3; i < n + 3; i++) u[i] = 0.5 + Math.sin(i * dx) + 0.2 * rng.normal();
    const tv = u.slice();
    const scratch = Array.from({ length: 5 }, () => new Float64Array(len));
    for (let s = 0; s < 3; s++) {
      w.wenoStep(u, u1, u2, fp, fm, Fh, n, dx);
      wenoStep(tv, scratch[0], scratch[1], scratch[2], scratch[3], scratch[4], n, dx);
    }
    assert.ok(relDiff(u.subarray(3, n + 3), tv.subarray(3, n + 3)) < 1e-12, `weno5 n=${n}`);
    // heat (n × n periodic, no ghosts)
    const [h, hn] = w.fields([n * n, n * n]);
    rng.fill(h);
    const th = h.slice(), thn = new Float64Array(n * n);
    w.heatStep(h, hn, n, 0.2);
    heatStep(th, thn, n, 0.2);
    assert.ok(relDiff(hn, thn) < 1e-14, `heat n=${n}`);
  }
  assert.throws(() => w.heatStep(new Float64Array(4), new Float64Array(4), 2, 0.2), /not a view/);
});

test("the PDE workloads reproduce the C reference's checksum and check2 (wasm and TypeScript)", () => {
  for (const [name, make] of Object.entries(PDE_WORKLOADS)) {
    for (const wasm of [true, false]) {
      if (!wasm && name === "burgers-weno5") continue; // the TS step is checked above; keep the suite short
      const wl = make({ wasm });
      wl.reset();
      wl.run();
      const { checksum, check2 } = wl.check();
      const [c1, c2] = REFERENCE_CHECKS[name];
      assert.ok(Math.abs(checksum - c1) <= 1e-9 * c1, `${name} (${wl.kernels}) checksum ${checksum}`);
      assert.ok(Math.abs(check2 - c2) <= 1e-9 * c2, `${name} (${wl.kernels}) check2 ${check2}`);
    }
  }
});
