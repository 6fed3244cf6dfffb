/**
 * Where the time of a compiled step goes (docs/performance.md §streaming-kernels,
 * §compiled-transformer): the whole step of mlp-{small,medium}-step-compiled (and, with
 * --transformer, of transformer-step-compiled) against the bare products of one step — the same
 * GEMM calls (shapes and transposes) the plan makes, through the same dispatch — alternated in one
 * process, so that the share of the GEMMs is measured under the same load; and the bytes one step
 * allocates (JavaScript heap and ArrayBuffers, with a young generation large enough that no
 * collection runs while it is measured).
 *
 * Times are wall-clock and, beside them, CPU time of the process (process.cpuUsage): on a shared
 * machine the CPU time is the steadier measure of what the step itself costs. With PyTorch
 * installed (bench/reference/torch_reference.py, as `npm run bench` runs it) each network's torch
 * step is timed in the same run, at one thread, and the line ends with the ceiling: torch's step
 * over our bare GEMMs — the ratio the compiled step would reach if everything but its GEMMs took
 * no time — beside the ratio it reaches.
 *
 * The bare products are the dense calls. The step's own relu weight gradients may leave out the
 * cotangent's zeros (docs/performance.md §skipping-relu-zeros), so while most of a network's units
 * are off the step can come out at or below its bare GEMMs (a share near or above 100 %).
 *
 * With --kernels, each streaming kernel the step calls is also timed call by call inside the
 * step (the active backend's kernel object wrapped with a timer for that part of the run): the
 * time outside the GEMMs, kernel by kernel.
 *
 *   npm run bench:profile [-- rounds] [--no-torch] [--kernels] [--transformer]
 *   (compiles into .bench-build, then runs this; --transformer: the transformer step only)
 */
import { gemmBackendName, gemmDispatch, streamKernels } from "../src/core/backends/gemm/index.ts";
import { compileStep } from "../src/compiled/step.ts";
import { sgd } from "../src/optim/index.ts";
import { mlpCfg, mlpParams, mnistBatch } from "./workloads.ts";
import { findReferences } from "./reference.ts";
import { transformerStepCompiled } from "./transformerCompiled.ts";
import { bareTransformerGemms } from "./transformerGemms.ts";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Wall-clock and CPU milliseconds per call of f, over k calls. */
function perCall(f: () => void, k: number): { wall: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  for (let i = 0; i < k; i++) f();
  const wall = (performance.now() - t) / k;
  const u = process.cpuUsage(c);
  return { wall, cpu: (u.user + u.system) / 1e3 / k };
}

/** torch's step (ms, one thread) of the bench workload, or null with the reason printed. */
function torchStep(workload: string): number | null {
  const found = findReferences();
  try {
    const torch = found.references.find((r) => r.kind === "torch");
    if (torch === undefined) {
      console.log(`(no torch figure: ${found.missing.find((m) => m.label === "torch")?.reason ?? "not found"})`);
      return null;
    }
    const r = torch.run(workload, 1);
    if (r.value === undefined || r.unit !== "ms/step") {
      console.log(`(no torch figure for ${workload}: ${r.error ?? "no value"})`);
      return null;
    }
    return r.value;
  } finally {
    found.cleanup();
  }
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
 * Median µs per step of each streaming kernel over the last `steps` of 4·steps steps, keyed by
 * kernel and first operand's length; the kernel object is restored afterwards.
 */
function kernelTimes(step: () => void, steps: number): Map<string, number> {
  const sk = streamKernels() as unknown as Record<string, (...a: unknown[]) => unknown>;
  const saved = { ...sk };
  const calls = new Map<string, number[]>();
  for (const name of Object.keys(saved)) {
    const f = saved[name];
    sk[name] = (...a: unknown[]) => {
      const t = performance.now();
      const r = f(...a);
      const dt = performance.now() - t;
      const key = `${name}(${a[0] instanceof Float64Array ? a[0].length : String(a[0])})`;
      let list = calls.get(key);
      if (list === undefined) calls.set(key, (list = []));
      list.push(dt);
      return r;
    };
  }
  try {
    for (let i = 0; i < 3 * steps; i++) step();
    calls.clear();
    for (let i = 0; i < steps; i++) step();
  } finally {
    Object.assign(sk, saved);
  }
  const out = new Map<string, number>();
  for (const [k, v] of calls) out.set(k, median(v) * (v.length / steps) * 1e3);
  return out;
}

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => !a.startsWith("--")) ?? 15);
const withTorch = !args.includes("--no-torch");
const withKernels = args.includes("--kernels");
console.log(`GEMM backend ${gemmBackendName()}; ${rounds} alternating rounds; median per step (wall / CPU time)`);
const us = (ms: number): string => (ms * 1e3).toFixed(0);
/** One network: its step and bare GEMMs alternated (k calls each per round), torch's step, the kernels. */
function profile(name: string, step: () => void, gemms: () => void, k: number, torchName: string): void {
  const torch = withTorch ? torchStep(torchName) : null;
  for (let i = 0; i < 3; i++) {
    perCall(step, k);
    perCall(gemms, k);
  }
  const s: number[] = [],
    g: number[] = [],
    share: number[] = [],
    sc: number[] = [],
    gc: number[] = [],
    rest: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const ts = perCall(step, k),
      tg = perCall(gemms, k);
    s.push(ts.wall);
    g.push(tg.wall);
    share.push(tg.wall / ts.wall);
    sc.push(ts.cpu);
    gc.push(tg.cpu);
    rest.push(ts.cpu - tg.cpu);
  }
  const sh = median(share);
  const alloc = allocationPerStep(step, k >= 16 ? 500 : 50); // fewer of the transformer's long steps
  console.log(
    `${name}: step ${us(median(s))} / ${us(median(sc))} µs, its GEMMs alone ${us(median(g))} / ` +
      `${us(median(gc))} µs (share ${(sh * 100).toFixed(1)} %), the rest ≈ ${us((1 - sh) * median(s))} / ` +
      `${us(median(rest))} µs` +
      (alloc === null
        ? " (run with --expose-gc for the allocation)"
        : `; allocated per step: heap ${alloc.heap.toFixed(0)} B, ArrayBuffers ${alloc.arrayBuffers.toFixed(0)} B`),
  );
  if (withKernels) {
    const kt = kernelTimes(step, k >= 16 ? 500 : 20);
    const total = [...kt.values()].reduce((a, b) => a + b, 0);
    const parts = [...kt].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`);
    console.log(`  streaming kernels ${total.toFixed(0)} µs per step: ${parts.join(", ")}`);
  }
  if (torch !== null)
    console.log(
      `  torch step ${us(torch)} µs: torch / step ${(torch / median(s)).toFixed(2)}×, ` +
        `ceiling torch / GEMMs ${(torch / median(g)).toFixed(2)}× (wall times)`,
    );
}

if (!args.includes("--transformer"))
  for (const H of [64, 256]) {
    const { X, y } = mnistBatch();
    const compiled = compileStep({ model: mlpCfg(H, "relu"), loss: "xent", optimizer: sgd(), params: mlpParams(H) });
    const step = () => void compiled.step(X, y, 0.01);
    profile(
      `784-${H}-${H}-10`,
      step,
      bareGemms(H, X.data),
      H === 64 ? 64 : 16,
      H === 64 ? "mlp-small-step" : "mlp-medium-step",
    );
  }
else {
  const w = transformerStepCompiled();
  profile("transformer-step-compiled", () => void w.run(), bareTransformerGemms(), 4, "transformer-step");
}
