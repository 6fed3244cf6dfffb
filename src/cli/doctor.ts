/**
 * `shocklens doctor`: which compute backends this installation uses, read from the backend
 * registry — per axis (GEMM, PDE stencils) every backend, whether it loads and from where (or why
 * not), the active one and how it was selected — plus the thread count and the small-product
 * kernels. `--check` also runs each available GEMM backend on a random product against the
 * plain-TypeScript kernel and reports its error and speed.
 */
import type { Command } from "commander";
import { cpus } from "node:os";
import { gemmBackends, gemmDispatch, gemmInfo, setGemmThreads, useGemmBackend } from "../core/backends/gemm/index.ts";
import { backendAxes, type AxisReport } from "../core/backends/registry.ts";
import { gemm as gemmPlain } from "../core/kernels/matmul.ts";
import { FastNormal } from "../core/kernels/rng.ts";
import "../pde/fused/kernels.ts"; // registers the PDE stencil axis
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
      "which compute backends load and which are active: GEMM (OpenBLAS, WebAssembly, TypeScript), PDE stencils",
    )
    .option("--gemm <backend>", `select a GEMM backend first: auto | ${gemmBackends.names().join(" | ")}`)
    .option("--threads <n>", "threads for large products (the caller's thread included)")
    .option("--check", "run every available backend on a random product against the plain kernel")
    .option("--json", "print one JSON object on stdout")
    .action((o: DoctorOptions) => runDoctor(o));
}

export function runDoctor(o: DoctorOptions): void {
  if (o.gemm !== undefined) useGemmBackend(parseChoice(o.gemm, "--gemm", ["auto", ...gemmBackends.names()]));
  if (o.threads !== undefined) setGemmThreads(parseNumber(o.threads, "--threads", { integer: true }));
  const info = gemmInfo();
  const backends = backendAxes().map((a) => a.report());
  const cpu = cpus();
  const report = {
    version: VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    gemm: info.backend,
    threads: info.threads,
    smallKernels: info.smallKernels,
    skipZeros: info.skipZeros,
    backends,
    environment: Object.fromEntries(ENVIRONMENT.map((v) => [v, process.env[v] ?? null])),
    ...(o.check ? { checks: runChecks(info.backend) } : {}),
  };
  if (o.json) {
    printJson(report);
    return;
  }
  const lines = [
    `shocklens ${VERSION} on Node ${process.version} (${report.platform}), ${report.cpu}, ${report.cores} cores`,
    `threads        ${info.threads}`,
    `small products ${info.smallKernels.active ? "wasm kernels" : "plain kernel"}: ${info.smallKernels.detail} ` +
      `(outer products, row vector × matrix${info.backend === "typescript" ? "" : `; below ${info.minMulAdds} multiply-adds`})`,
    `zero skipping  ${info.skipZeros.active ? "on" : "off"}: ${info.skipZeros.detail}`,
    ...backends.flatMap(axisLines),
  ];
  if (report.checks) {
    for (const c of report.checks) {
      lines.push(
        c.available
          ? `check ${c.backend.padEnd(12)} max rel. error ${c.maxRelError?.toExponential(1)}, ` +
              `${c.gflops?.toFixed(1)} GFLOP/s on 256×256×256`
          : `check ${c.backend.padEnd(12)} not available${c.error ? `: ${c.error}` : ""}`,
      );
    }
  }
  process.stdout.write(lines.join("\n") + "\n");
}

/** The variables that select backends or their files. */
const ENVIRONMENT = [
  "SHOCKLENS_GEMM",
  "SHOCKLENS_THREADS",
  "SHOCKLENS_WASM",
  "SHOCKLENS_WASM_RELAXED",
  "SHOCKLENS_WASM_SMALL",
  "SHOCKLENS_WASM_PDE",
  "SHOCKLENS_WASM_TANH",
  "SHOCKLENS_WASM_THIN",
  "SHOCKLENS_WASM_LANGEVIN",
];

/** "GEMM backend   wasm-relaxed (auto)" then one line per backend: available, active, detail. */
function axisLines(a: AxisReport): string[] {
  const head = `${`${a.label} backend`.padEnd(20)} ${a.active ?? "none"} (${a.selectedBy})`;
  return [
    head,
    ...a.backends.map(
      (b) => `  ${b.name.padEnd(13)} ${b.active ? "active" : b.available ? "yes   " : "no    "} ${b.detail}`,
    ),
  ];
}

/** Each backend on one 256³ product (and odd-sized 67×45×29 transposed) vs the plain kernel. */
function runChecks(active: string): BackendCheck[] {
  const rng = new FastNormal(12345);
  const out: BackendCheck[] = [];
  for (const name of gemmBackends.names()) {
    try {
      useGemmBackend(name);
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
  useGemmBackend(active);
  return out;
}
