/**
 * Where the time of a compiled mlp step goes (docs/performance.md §streaming-kernels): the whole
 * step of mlp-{small,medium}-step-compiled against the bare products of one step — the same eight
 * GEMM calls (shapes and transposes) the plan makes, through the same dispatch — alternated in one
 * process, so that the share of the GEMMs is measured under the same load; and the bytes one step
 * allocates (JavaScript heap and ArrayBuffers, with a young generation large enough that no
 * collection runs while it is measured).
 *
 *   npm run bench:profile [-- rounds]      (compiles into .bench-build, then runs this)
 */
import { gemmBackendName, gemmDispatch } from "../src/core/backends/gemm/index.ts";
import { compileStep } from "../src/compiled/step.ts";
import { sgd } from "../src/optim/index.ts";
import { mlpCfg, mlpParams, mnistBatch } from "./workloads.ts";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function perCall(f: () => void, k: number): number {
  const t = performance.now();
  for (let i = 0; i < k; i++) f();
  return (performance.now() - t) / k;
}

/** The plan's products for 784-H-H-10 on 128 rows: forward x·Wᵀ, backward g·W and gᵀ·a. */
function bareGemms(H: number, x: Float64Array): () => void {
  const R = 128,
    D = 784,
    C = 10;
  const arr = (n: number) => new Float64Array(n).map((_, i) => Math.sin(i));
  const [W1, W2, W3] = [arr(H * D), arr(H * H), arr(C * H)];
  const [a1, a2, z, g1, g2, g3] = [arr(R * H), arr(R * H), arr(R * C), arr(R * H), arr(R * H), arr(R * C)];
  const [dW1, dW2, dW3] = [arr(H * D), arr(H * H), arr(C * H)];
  return () => {
    gemmDispatch(R, H, D, x, 0, false, W1, 0, true, a1, 0);
    gemmDispatch(R, H, H, a1, 0, false, W2, 0, true, a2, 0);
    gemmDispatch(R, C, H, a2, 0, false, W3, 0, true, z, 0);
    gemmDispatch(R, H, C, g3, 0, false, W3, 0, false, g2, 0);
    gemmDispatch(C, H, R, g3, 0, true, a2, 0, false, dW3, 0);
    gemmDispatch(R, H, H, g2, 0, false, W2, 0, false, g1, 0);
    gemmDispatch(H, H, R, g2, 0, true, a1, 0, false, dW2, 0);
    gemmDispatch(H, D, R, g1, 0, true, x, 0, false, dW1, 0);
  };
}

function allocationPerStep(step: () => void): { heap: number; arrayBuffers: number } | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return null;
  gc();
  const n = 500;
  const m0 = process.memoryUsage();
  for (let i = 0; i < n; i++) step();
  const m1 = process.memoryUsage();
  return { heap: (m1.heapUsed - m0.heapUsed) / n, arrayBuffers: (m1.arrayBuffers - m0.arrayBuffers) / n };
}

const rounds = Number(process.argv[2] ?? 15);
console.log(`GEMM backend ${gemmBackendName()}; ${rounds} alternating rounds; median per step`);
for (const H of [64, 256]) {
  const { X, y } = mnistBatch();
  const compiled = compileStep({ model: mlpCfg(H, "relu"), loss: "xent", optimizer: sgd(), params: mlpParams(H) });
  const step = () => void compiled.step(X, y, 0.01);
  const gemms = bareGemms(H, X.data);
  const k = H === 64 ? 64 : 16;
  for (let i = 0; i < 3; i++) {
    perCall(step, k);
    perCall(gemms, k);
  }
  const s: number[] = [],
    g: number[] = [],
    share: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ts = perCall(step, k),
      tg = perCall(gemms, k);
    s.push(ts);
    g.push(tg);
    share.push(tg / ts);
  }
  const sh = median(share);
  const alloc = allocationPerStep(step);
  console.log(
    `784-${H}-${H}-10: step ${(median(s) * 1e3).toFixed(0)} µs, its GEMMs alone ${(median(g) * 1e3).toFixed(0)} µs ` +
      `(share ${(sh * 100).toFixed(1)} %), the rest ≈ ${((1 - sh) * median(s) * 1e3).toFixed(0)} µs` +
      (alloc === null
        ? " (run with --expose-gc for the allocation)"
        : `; allocated per step: heap ${alloc.heap.toFixed(0)} B, ArrayBuffers ${alloc.arrayBuffers.toFixed(0)} B`),
  );
}
