/**
 * Where the time of a compiled step goes (docs/performance.md §streaming-kernels,
 * §compiled-transformer): the whole step of mlp-{small,medium}-step-compiled and of
 * transformer-step-compiled against the bare products of one step — the same GEMM calls (shapes
 * and transposes) the plan makes, through the same dispatch — alternated in one process, so that
 * the share of the GEMMs is measured under the same load; and the bytes one step allocates
 * (JavaScript heap and ArrayBuffers, with a young generation large enough that no collection runs
 * while it is measured).
 *
 *   npm run bench:profile [-- rounds [mlp|transformer]]      (compiles into .bench-build, then runs this)
 */
import { gemmBackendName, gemmDispatch } from "../src/core/backends/gemm/index.ts";
import { compileStep } from "../src/compiled/step.ts";
import { sgd } from "../src/optim/index.ts";
import { transformerStepCompiled } from "./transformerCompiled.ts";
import { mlpCfg, mlpParams, mnistBatch, trCfg } from "./workloads.ts";

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

function allocationPerStep(step: () => void, n: number): { heap: number; arrayBuffers: number } | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return null;
  gc();
  const m0 = process.memoryUsage();
  for (let i = 0; i < n; i++) step();
  const m1 = process.memoryUsage();
  return { heap: (m1.heapUsed - m0.heapUsed) / n, arrayBuffers: (m1.arrayBuffers - m0.arrayBuffers) / n };
}

/**
 * The OpenBLAS products of one transformer-step-compiled step (src/compiled/transformerGrad.ts,
 * attentionPlan.ts) for one block on R = N·T rows: forward q, k, v, the output projection, fc1, fc2
 * and the unembedding; backward each one's input cotangent and weight gradient. (The small
 * attention products are not GEMMs: they are part of "the rest".)
 */
function bareTransformerGemms(): () => void {
  const { d, mlp: m, vocab: V } = trCfg;
  const R = 512 * 3;
  const arr = (n: number) => new Float64Array(n).map((_, i) => Math.sin(i));
  const [a, q, k, v, z, out, ln2, h, y, f, logits] = [
    arr(R * d),
    arr(R * d),
    arr(R * d),
    arr(R * d),
    arr(R * d),
    arr(R * d),
    arr(R * d),
    arr(R * m),
    arr(R * d),
    arr(R * d),
    arr(R * V),
  ];
  const [wq, wk, wv, wo, w1, w2, wu] = [
    arr(d * d),
    arr(d * d),
    arr(d * d),
    arr(d * d),
    arr(m * d),
    arr(d * m),
    arr(V * d),
  ];
  const [gn, gh, dz, tmp, dw, dw1, dw2, dwu] = [
    arr(R * d),
    arr(R * m),
    arr(R * d),
    arr(R * d),
    arr(d * d),
    arr(m * d),
    arr(d * m),
    arr(V * d),
  ];
  return () => {
    for (const w of [wq, wk, wv]) gemmDispatch(R, d, d, a, 0, false, w, 0, true, w === wq ? q : w === wk ? k : v, 0);
    gemmDispatch(R, d, d, z, 0, false, wo, 0, true, out, 0);
    gemmDispatch(R, m, d, ln2, 0, false, w1, 0, true, h, 0);
    gemmDispatch(R, d, m, h, 0, false, w2, 0, true, y, 0);
    gemmDispatch(R, V, d, f, 0, false, wu, 0, true, logits, 0);
    gemmDispatch(R, d, V, logits, 0, false, wu, 0, false, gn, 0);
    gemmDispatch(V, d, R, logits, 0, true, f, 0, false, dwu, 0);
    gemmDispatch(R, m, d, y, 0, false, w2, 0, false, gh, 0);
    gemmDispatch(d, m, R, y, 0, true, h, 0, false, dw2, 0);
    gemmDispatch(R, d, m, gh, 0, false, w1, 0, false, gn, 0);
    gemmDispatch(m, d, R, gh, 0, true, ln2, 0, false, dw1, 0);
    gemmDispatch(R, d, d, y, 0, false, wo, 0, false, dz, 0);
    gemmDispatch(d, d, R, y, 0, true, z, 0, false, dw, 0);
    for (const w of [wv, wk, wq]) {
      gemmDispatch(d, d, R, q, 0, true, a, 0, false, dw, 0);
      gemmDispatch(R, d, d, q, 0, false, w, 0, false, tmp, 0);
    }
  };
}

function profile(name: string, step: () => void, gemms: () => void, k: number, rounds: number): void {
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
  const alloc = allocationPerStep(step, k < 8 ? 50 : 500);
  console.log(
    `${name}: step ${(median(s) * 1e3).toFixed(0)} µs, its GEMMs alone ${(median(g) * 1e3).toFixed(0)} µs ` +
      `(share ${(sh * 100).toFixed(1)} %), the rest ≈ ${((1 - sh) * median(s) * 1e3).toFixed(0)} µs` +
      (alloc === null
        ? " (run with --expose-gc for the allocation)"
        : `; allocated per step: heap ${alloc.heap.toFixed(0)} B, ArrayBuffers ${alloc.arrayBuffers.toFixed(0)} B`),
  );
}

const rounds = Number(process.argv[2] ?? 15);
const which = process.argv[3] ?? "all";
console.log(`GEMM backend ${gemmBackendName()}; ${rounds} alternating rounds; median per step`);
if (which !== "transformer")
  for (const H of [64, 256]) {
    const { X, y } = mnistBatch();
    const compiled = compileStep({ model: mlpCfg(H, "relu"), loss: "xent", optimizer: sgd(), params: mlpParams(H) });
    profile(`784-${H}-${H}-10`, () => void compiled.step(X, y, 0.01), bareGemms(H, X.data), H === 64 ? 64 : 16, rounds);
  }
if (which !== "mlp") {
  const w = transformerStepCompiled();
  profile("transformer-step-compiled", () => void w.run(), bareTransformerGemms(), 4, rounds);
}
