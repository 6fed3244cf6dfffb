/**
 * The deviates of several steps drawn at once in WebAssembly (assembly/ziggurat.ts via
 * LangevinBuffers.draw; docs/performance.md §sgld-wasm-kernels) are FastNormal.fill's, bit for
 * bit: stream k of a draw equals `new FastNormal(seed_k).fill(new Float64Array(n), scale)` for one
 * to four streams, lengths around the four-attempt groups (1 … 9, 63, 1 120, 4 001), several
 * scales, and the word columns running out and refilled (a buffer of 8 to 20 words). Long
 * streams cross thousands of slow-path draws: the wedge (accepted and rejected) and the tail
 * beyond R, counted here.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { FastNormal } from "../../src/core/kernels/rng.ts";
import { foldIn, key } from "../../src/core/random.ts";
import { langevinBuffers } from "../../src/optim/langevinWasm.ts";

const R = 3.442619855899;

function assertSameBits(got: Float64Array, want: Float64Array, what: string): void {
  const g = new BigUint64Array(got.slice().buffer),
    w = new BigUint64Array(want.slice().buffer);
  for (let i = 0; i < g.length; i++) if (g[i] !== w[i]) assert.fail(`${what}: element ${i}: ${got[i]} vs ${want[i]}`);
}

/** Draws `streams` streams of n into a fresh buffer and compares each with fill; returns the tail draws seen. */
function compare(n: number, streams: number, seed: number, scale: number, words?: number): number {
  const buf = langevinBuffers(n, 4, words);
  assert.ok(buf !== null, "langevin.wasm is built (npm run build)");
  const seeds = Array.from({ length: streams }, (_, k) => foldIn(key(seed), k));
  buf.draw(seeds, scale);
  let tails = 0;
  seeds.forEach((s, k) => {
    const want = new FastNormal(s).fill(new Float64Array(n), scale);
    assertSameBits(buf.slot(k), want, `n ${n}, stream ${k}/${streams}, seed ${seed}, scale ${scale}, words ${words}`);
    for (const v of want) if (Math.abs(v) > R * Math.abs(scale)) tails++;
  });
  return tails;
}

test("four streams at once equal fill's streams bit for bit, short lengths and every stream count", () => {
  for (let n = 1; n <= 9; n++)
    for (let streams = 1; streams <= 4; streams++)
      for (const scale of [1, 0.37, -2]) compare(n, streams, 100 * n + streams, scale);
  for (const n of [63, 1120]) for (let streams = 1; streams <= 4; streams++) compare(n, streams, n + streams, 1);
});

test("word columns that run out are refilled from the lane's state (buffers of 8 to 20 words)", () => {
  for (const words of [8, 12, 20])
    for (const n of [1, 5, 64, 1120]) compare(n, 4, words * n, words === 12 ? 0.5 : 1, words);
});

test("long streams through the slow path (the wedge, accepted and rejected, and the tail)", () => {
  let tails = 0;
  tails += compare(4001, 3, 7, 1);
  tails += compare(200_000, 4, 8, 1.5);
  tails += compare(300_000, 2, 9, -1);
  // About 1 draw in 3 600 lies beyond R: the tail's two-word loop ran (the wedge's ~2 % far more often).
  assert.ok(tails > 100, `${tails} tail draws`);
});
