/**
 * The WebAssembly Langevin update (assembly/langevin.ts; docs/performance.md §sgld-wasm-kernels)
 * gives langevinLeaf's doubles bit for bit: with and without noise, weight decay and anchor
 * coupling (c = 0 adds +0, as the plain loop does), odd lengths (the scalar tail), signed zeros.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { langevinLeaf } from "../../src/optim/langevin.ts";
import { langevinBuffers } from "../../src/optim/langevinWasm.ts";

function bitsEqual(got: Float64Array, want: Float64Array, what: string): void {
  const g = new BigUint64Array(got.slice().buffer),
    w = new BigUint64Array(want.slice().buffer);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) assert.fail(`${what}: element ${i}: ${got[i]} vs ${want[i]}`);
}

test("wasm Langevin update equals langevinLeaf bit for bit over every option", () => {
  const rng = new FastNormal(41);
  for (const n of [1, 2, 7, 64, 1121]) {
    const buf = langevinBuffers(n);
    assert.ok(buf !== null, "langevin.wasm is built");
    for (const [lambda, c, s, draw] of [
      [0, 10, 0.01, true],
      [0, 0, 0.01, true],
      [1e-3, 0.5, 0, false],
      [0, 0, 0, false],
      [0.2, -3, 1.5, true],
    ] as const) {
      const y = rng.fill(new Float64Array(n)),
        g = rng.fill(new Float64Array(n)),
        x = rng.fill(new Float64Array(n)),
        z = rng.fill(new Float64Array(n)),
        mu = rng.fill(new Float64Array(n));
      // signed zeros where the plain loop's additions of +0 decide the sign
      g[0] = -0;
      y[0] = -0;
      x[0] = -0;
      buf.y.set(y);
      buf.g.set(g);
      buf.x.set(x);
      buf.z.set(z);
      buf.mu.set(mu);
      const eta = 0.013,
        alpha = 0.75;
      langevinLeaf(y, g, y, eta, lambda, c, x, s, draw ? z : null, mu, alpha);
      buf.update(eta, lambda, c, s, alpha, draw);
      bitsEqual(buf.y, y, `y, n ${n}, λ ${lambda}, c ${c}, s ${s}`);
      bitsEqual(buf.mu, mu, `μ, n ${n}, λ ${lambda}, c ${c}, s ${s}`);
    }
  }
});
