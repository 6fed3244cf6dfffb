/**
 * `shocklens doctor`: which compute paths this installation uses — Node, the active GEMM backend
 * (native-blas / wasm-simd / typescript), whether OpenBLAS and the WebAssembly modules were found
 * and why not, and the thread count. `--check` also runs each available GEMM backend on a random
 * product against the plain-TypeScript kernel and reports its error and speed.
 */
import type { Command } from "commander";
import { cpus } from "node:os";
import {
  gemmInfo,
  useGemmBackend,
  setGemmThreads,
  gemmDispatch,
  GEMM_BACKENDS,
  type GemmBackendName,
  type GemmInfo,
} from "../core/kernels/gemmDispatch.ts";
import { gemm as gemmPlain } from "../core/kernels/matmul.ts";
import { wasmStencils } from "../core/kernels/wasm/pdeWasm.ts";
import { FastNormal } from "../core/kernels/rng.ts";
import { VERSION } from "../version.ts";
import { parseChoice, parseNumber, printJson } from "./options.ts";

interface DoctorOptions {
  json?: boolean;
  check?: boolean;
  gemm?: string;
  threads?: string;
}

interface BackendCheck {
  backend: string;
  available: boolean;
  maxRelError?: number;
  gflops?: number;
  error?: string;
}

export function register(program: Command): void {
  program
    .command("doctor")
    .description(
      "which compute paths are active: GEMM backend (native OpenBLAS, WebAssembly SIMD or TypeScript), threads",
    )
    .option("--gemm <backend>", `select a backend first: auto | ${GEMM_BACKENDS.join(" | ")}`)
    .option("--threads <n>", "threads for large products (the caller's thread included)")
    .option("--check", "run every available backend on a random product against the plain kernel")
    .option("--json", "print one JSON object on stdout")
    .action((o: DoctorOptions) => runDoctor(o));
}

export function runDoctor(o: DoctorOptions): void {
  if (o.gemm !== undefined) {
    const b = parseChoice(o.gemm, "--gemm", ["auto", ...GEMM_BACKENDS] as const);
    try {
      useGemmBackend(b);
    } catch (e) {
      throw new Error(e instanceof Error ? e.message : String(e), { cause: e });
    }
  }
  if (o.threads !== undefined) setGemmThreads(parseNumber(o.threads, "--threads", { integer: true, min: 1, max: 64 }));
  const info = gemmInfo();
  const stencils = wasmStencils();
  const cpu = cpus();
  const report = {
    version: VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    gemm: info.backend,
    threads: info.threads,
    openblas: info.nativeBlas,
    wasmSimd: info.wasmSimd,
    smallKernels: info.smallKernels,
    stencils: stencils
      ? { available: true, detail: stencils.path }
      : { available: false, detail: "pde.wasm not built (run `npm run build`)" },
    environment: {
      SHOCKLENS_GEMM: process.env.SHOCKLENS_GEMM ?? null,
      SHOCKLENS_THREADS: process.env.SHOCKLENS_THREADS ?? null,
      SHOCKLENS_WASM_RELAXED: process.env.SHOCKLENS_WASM_RELAXED ?? null,
      SHOCKLENS_WASM_SMALL: process.env.SHOCKLENS_WASM_SMALL ?? null,
    },
    ...(o.check ? { checks: runChecks(info.backend) } : {}),
  };
  if (o.json) {
    printJson(report);
    return;
  }
  const yes = (b: boolean) => (b ? "yes" : "no ");
  const routing =
    info.backend === "typescript"
      ? "every product runs in the plain TypeScript kernel"
      : `products below ${info.minMulAdds} multiply-adds use ` +
        `${info.smallKernels.active ? "the small kernels or " : ""}the plain TypeScript kernel`;
  const lines = [
    `shocklens ${VERSION} on Node ${process.version} (${report.platform}), ${report.cpu}, ${report.cores} cores`,
    `GEMM backend   ${backendLabel(info.backend, info)} (${routing})`,
    `threads        ${info.threads}`,
    `native OpenBLAS ${yes(info.nativeBlas.available)} ${info.nativeBlas.detail}`,
    `wasm SIMD GEMM ${yes(info.wasmSimd.available)} ${info.wasmSimd.detail}`,
    `wasm small     ${yes(info.smallKernels.active)} ${info.smallKernels.detail} (outer products, row vector × matrix)`,
    `wasm stencils  ${yes(report.stencils.available)} ${report.stencils.detail}`,
  ];
  if (report.checks) {
    for (const c of report.checks) {
      lines.push(
        c.available
          ? `check ${backendLabel(c.backend, info).padEnd(12)} max rel. error ${c.maxRelError?.toExponential(1)}, ` +
              `${c.gflops?.toFixed(1)} GFLOP/s on 256×256×256`
          : `check ${c.backend.padEnd(12)} not available${c.error ? `: ${c.error}` : ""}`,
      );
    }
  }
  process.stdout.write(lines.join("\n") + "\n");
}

/** The backend's name, with the build of the WebAssembly GEMM when it is the relaxed-SIMD one. */
function backendLabel(name: string, info: GemmInfo): string {
  return name === "wasm-simd" && info.wasmSimd.variant === "relaxed-simd FMA" ? `${name} (relaxed-simd FMA)` : name;
}

/** Each backend on one 256³ product (and odd-sized 67×45×29 transposed) vs the plain kernel. */
function runChecks(active: string): BackendCheck[] {
  const rng = new FastNormal(12345);
  const out: BackendCheck[] = [];
  for (const name of GEMM_BACKENDS) {
    try {
      useGemmBackend(name as GemmBackendName);
    } catch (e) {
      out.push({ backend: name, available: false, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    let worst = 0;
    for (const [m, n, k, tA, tB] of [
      [256, 256, 256, false, false],
      [67, 45, 29, true, true],
    ] as const) {
      const a = rng.fill(new Float64Array(m * k)),
        b = rng.fill(new Float64Array(k * n));
      const c = new Float64Array(m * n),
        ref = new Float64Array(m * n);
      gemmDispatch(m, n, k, a, 0, tA, b, 0, tB, c, 0);
      gemmPlain(m, n, k, a, 0, tA, b, 0, tB, ref, 0);
      let scale = 0;
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < c.length; i++) worst = Math.max(worst, Math.abs(c[i] - ref[i]) / scale);
    }
    const m = 256,
      a = rng.fill(new Float64Array(m * m)),
      b = rng.fill(new Float64Array(m * m)),
      c = new Float64Array(m * m);
    gemmDispatch(m, m, m, a, 0, false, b, 0, false, c, 0);
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 150) {
      gemmDispatch(m, m, m, a, 0, false, b, 0, false, c, 0);
      reps++;
    }
    const sec = (performance.now() - t0) / 1000;
    out.push({ backend: name, available: true, maxRelError: worst, gflops: (2 * m * m * m * reps) / sec / 1e9 });
  }
  useGemmBackend(active as GemmBackendName);
  return out;
}
