/**
 * The WebAssembly kernels never detach an ArrayBuffer: the first detach in a process makes V8
 * check for detachment on every typed-array access from then on (11–13 % slower small-network
 * loops, measured), so their memories are sized up front instead of grown. Views handed out
 * earlier therefore stay attached (a detached view reports length 0).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { WasmStencils, findPdeWasm } from "../../src/pde/fused/wasm.ts";
import { SmallGemm, findSmallWasm } from "../../src/core/backends/gemm/small.ts";
import { tanhWasmWithRoom } from "../../src/core/kernels/tanhWasm.ts";
import { wasmDir } from "./helpers.ts";

test("pde stencils: asking for larger fields leaves earlier views attached", () => {
  const w = new WasmStencils(findPdeWasm() ?? join(wasmDir(), "pde.wasm"));
  const [a] = w.fields([1000]);
  a.fill(2);
  const [b, c] = w.fields([200_000, 200_000]); // needs more memory than the first call
  assert.equal(a.length, 1000);
  assert.equal(a[999], 2);
  assert.equal(b.length + c.length, 400_000);
});

test("small kernels: the arena is there from the start and a product does not move it", () => {
  const sg = new SmallGemm(findSmallWasm() ?? join(wasmDir(), "small.wasm"));
  const a = Float64Array.from({ length: 200 }, (_, i) => i),
    b = new Float64Array(200).fill(1),
    c = new Float64Array(200 * 200);
  assert.ok(sg.tryGemm(200, 200, 1, a, 0, false, b, 0, false, c, 0));
  assert.equal(c[199 * 200 + 5], 199);
  // the module's own view is still attached: another product works and writes the same values
  c.fill(0);
  assert.ok(sg.tryGemm(200, 200, 1, a, 0, false, b, 0, false, c, 0));
  assert.equal(c[199 * 200 + 5], 199);
});

test("tanh kernels: arrays longer than the arena go through in chunks without growing the memory", () => {
  const tw = tanhWasmWithRoom(1000);
  assert.ok(tw !== null, "tanh.wasm is built");
  const own = tw.alloc(1000);
  assert.ok(own !== null);
  own.fill(0.25);
  const a = new Float64Array(100_000).fill(0.5),
    out = new Float64Array(100_000);
  tw.tanh(a, out);
  const first = out[0];
  tw.tanh(a, out);
  tw.backward(a, out, out);
  assert.equal(out.length, 100_000);
  assert.equal(out[99_999], out[0]);
  assert.ok(Math.abs(first - Math.tanh(0.5)) < 1e-15);
  assert.equal(own.length, 1000, "a view handed out before is still attached");
  assert.equal(own[999], 0.25);
});
