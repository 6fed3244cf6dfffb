/**
 * `npm run bench -- [--json] [--threads N] [--only a,b] [--rounds R] [--no-reference]`
 *
 * Runs the workloads of the benchmark definitions (docs/performance.md) in
 * shocklens and, where they can run here, their references (PyTorch 1.13 via /usr/bin/python3,
 * the C reference built with gcc -O2 and -O3, numpy) — alternately, reference then shocklens,
 * `--rounds` times (default 3) per workload and reference — and reports for each workload and
 * reference the median of the per-round ratios
 *
 *     ratio = reference time / shocklens time      (> 1: shocklens is faster)
 *
 * with --json as one JSON line per workload and reference, else as a table. The timing rule is
 * the references' (docs/performance.md §timing-rule): k units per repetition (k a power of two calibrated to
 * ≥ 0.2 s), 2 warm-up and 7 timed repetitions, median. Like the reference scripts, the process
 * re-executes itself with glibc's malloc tuned to keep freed memory (docs/performance.md §threads-and-malloc) unless
 * --default-malloc is given. Without a reference it prints its own figures and says why.
 *
 * `npm run bench` first compiles src/ and bench/ with tsc into .bench-build/ and runs that: the
 * JavaScript the package ships (dist/ is built the same way). Run from source under a TypeScript
 * loader (`node --import tsx bench/run.ts`, as the tests do) every cross-module binding is read
 * through an accessor, which made the small-graph workloads ~1.4× slower than the shipped code.
 */
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { CASES, REFERENCE_CHECKS, referenceName, target, type Case } from "./suite.ts";
import { findReferences, type Availability, type RefResult, type Reference } from "./reference.ts";
import { gemmBackends, gemmInfo, setGemmThreads, useGemmBackend } from "../src/core/backends/gemm/index.ts";

// ---- arguments -------------------------------------------------------------------------------

interface Args {
  json: boolean;
  threads: number;
  only: string[] | null;
  rounds: number;
  reference: boolean;
  minTime: number;
  reps: number;
  defaultMalloc: boolean;
  backend: string;
}

function usage(msg?: string): never {
  if (msg) process.stderr.write(`bench: ${msg}\n`);
  process.stderr.write(
    "usage: npm run bench -- [--json] [--threads 1|2] [--only NAME,...] [--rounds R] [--no-reference] [--min-time S]" +
      " [--reps R] [--gemm auto|native-blas|wasm-relaxed|wasm-simd|typescript] [--default-malloc]\n",
  );
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    json: false,
    threads: 1,
    only: null,
    rounds: 3,
    reference: true,
    minTime: 0.2,
    reps: 7,
    defaultMalloc: false,
    backend: "auto",
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${k} needs a value`);
      return v;
    };
    const int = (lo: number): number => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < lo) usage(`${k} must be an integer ≥ ${lo}`);
      return v;
    };
    switch (k) {
      case "--json":
        a.json = true;
        break;
      case "--threads":
        a.threads = int(1);
        break;
      case "--only":
        a.only = val().split(",").filter(Boolean);
        break;
      case "--rounds":
        a.rounds = int(1);
        break;
      case "--no-reference":
        a.reference = false;
        break;
      case "--min-time":
        a.minTime = Number(val());
        if (!(a.minTime > 0)) usage("--min-time must be > 0");
        break;
      case "--reps":
        a.reps = int(1);
        break;
      case "--default-malloc":
        a.defaultMalloc = true;
        break;
      case "--gemm": {
        const v = val();
        if (v !== "auto" && !gemmBackends.has(v)) usage(`unknown --gemm ${v}`);
        a.backend = v;
        break;
      }
      case "-h":
      case "--help":
        usage();
      // eslint-disable-next-line no-fallthrough
      default:
        usage(`unknown argument ${k}`);
    }
  }
  if (a.only) {
    const known = new Set(CASES.map((c) => c.name));
    const bad = a.only.filter((n) => !known.has(n));
    if (bad.length) usage(`unknown workload(s) ${bad.join(", ")}; known: ${[...known].join(", ")}`);
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));

// Same malloc tuning as the reference scripts (docs/performance.md §threads-and-malloc): read at process
// start, so re-exec.
const MALLOC_ENV: Record<string, string> = {
  MALLOC_MMAP_THRESHOLD_: "33554432",
  MALLOC_TRIM_THRESHOLD_: "268435456",
  MALLOC_TOP_PAD_: "67108864",
};
if (!args.defaultMalloc && Object.entries(MALLOC_ENV).some(([k, v]) => process.env[k] !== v)) {
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, ...MALLOC_ENV },
  });
  process.exit(r.status ?? 1);
}

// ---- timing (docs/performance.md §timing-rule) -------------------------------------------------

const now = (): number => performance.now() / 1000;
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};
const sig = (x: number, n = 4): number => Number(x.toPrecision(n));

interface Timing {
  value: number;
  min: number;
  max: number;
  reps: number;
  inner?: number;
}

/** k = a power of two such that k units take ≥ minTime (the reference's calibration). */
function calibrate(op: () => unknown): number {
  let k = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < k; i++) op();
    const el = now() - t0;
    if (el >= args.minTime) return k;
    const want = ((k * args.minTime) / Math.max(el, 1e-9)) * 1.05;
    k = Math.max(2 * k, 2 ** Math.ceil(Math.log2(want)));
  }
}

function timeMl(op: () => unknown, k: number, scale: number): Timing {
  const per: number[] = [];
  for (let r = 0; r < 2 + args.reps; r++) {
    const t0 = now();
    for (let i = 0; i < k; i++) op();
    const el = now() - t0;
    if (r >= 2) per.push((el / k) * scale);
  }
  return { value: median(per), min: Math.min(...per), max: Math.max(...per), reps: args.reps, inner: k };
}

function timePde(w: ReturnType<Extract<Case, { kind: "pde" }>["build"]>): Timing {
  const per: number[] = [];
  for (let r = 0; r < 2 + args.reps; r++) {
    w.reset();
    const t0 = now();
    w.run();
    const el = now() - t0;
    if (r >= 2) per.push((el / (w.steps * w.cells)) * 1e9);
  }
  return { value: median(per), min: Math.min(...per), max: Math.max(...per), reps: args.reps };
}

// ---- one workload ----------------------------------------------------------------------------

interface Line {
  workload: string;
  impl: "shocklens";
  value: number;
  unit: string;
  reference: { impl: string; value: number; threads: number; check_ok: boolean | null } | null;
  ratio: number | null;
  threads: number;
  metric: string;
  gemm: string;
  kernels?: string;
  ratios?: number[];
  target: number | null;
  met: boolean | null;
  reps: number;
  inner?: number;
  steps?: number;
  cells?: number;
  min: number;
  max: number;
  check?: number[];
  checksum?: number;
  check2?: number;
  check_ok: boolean;
  /** Ablation lines: eager time / this line's time, median over the rounds (each round times both). */
  vs_eager?: number;
  vs_eager_rounds?: number[];
  note?: string;
}

function relClose(a: number, b: number, tol = 1e-9): boolean {
  return Math.abs(a - b) <= tol * Math.max(Math.abs(a), Math.abs(b), 1e-300);
}

function refCheckOk(c: Case, ours: number[], r: RefResult): boolean | null {
  if (c.kind === "ml") return r.check ? r.check.every((v, i) => relClose(v, ours[i])) : null;
  if (r.checksum === undefined || r.check2 === undefined) return null;
  // The references print 12 significant digits.
  return relClose(r.checksum, ours[0], 1e-9) && relClose(r.check2, ours[1], 1e-9);
}

function runCase(c: Case, refs: Reference[], missing: Availability["missing"], emit: (l: Line) => void): void {
  const gemm = gemmInfo().backend;
  let measure: () => Timing;
  let checks: number[];
  let extra: Partial<Line> = {};
  if (c.kind === "ml") {
    const w = c.build();
    checks = w.check();
    const k = calibrate(w.run);
    measure = () => timeMl(w.run, k, c.scale);
  } else {
    const w = c.build();
    w.reset();
    w.run();
    const ck = w.check();
    checks = [ck.checksum, ck.check2];
    extra = { kernels: w.kernels, steps: w.steps, cells: w.cells };
    measure = () => timePde(w);
  }
  const refName = referenceName(c);
  // An ablation line (its reference workload is another line of the suite, the eager form) times
  // that eager form in every round too, so "what compiling bought" is a ratio from the same moments.
  const twin = refName !== c.name ? CASES.find((x) => x.name === refName) : undefined;
  let eagerOnce: (() => number) | null = null;
  if (twin !== undefined && twin.kind === "ml") {
    const e = twin.build();
    const ke = calibrate(e.run);
    eagerOnce = () => timeMl(e.run, ke, twin.scale).value;
  }
  const speedups: number[] = [];
  const measureBoth = (): Timing => {
    const t = measure();
    if (eagerOnce !== null) speedups.push(eagerOnce() / t.value);
    return t;
  };
  const ablation = (): Partial<Line> =>
    speedups.length ? { vs_eager: sig(median(speedups), 3), vs_eager_rounds: speedups.map((x) => sig(x, 3)) } : {};
  const want = REFERENCE_CHECKS[refName];
  const checkOk =
    c.kind === "ml"
      ? checks.every((v, i) => relClose(v, want[i]))
      : relClose(checks[0], want[0], 1e-9) && relClose(checks[1], want[1], 1e-9);
  const checkFields: Partial<Line> =
    c.kind === "ml"
      ? { check: checks }
      : { checksum: Number(checks[0].toPrecision(12)), check2: Number(checks[1].toPrecision(12)) };
  const base = (t: Timing): Line => ({
    workload: c.name,
    impl: "shocklens",
    value: sig(t.value),
    unit: c.unit,
    reference: null,
    ratio: null,
    threads: args.threads,
    metric: c.metric,
    gemm,
    ...extra,
    target: null,
    met: null,
    reps: t.reps,
    ...(t.inner !== undefined ? { inner: t.inner } : {}),
    min: sig(t.min),
    max: sig(t.max),
    ...checkFields,
    check_ok: checkOk,
  });
  const mine = refs.filter((r) => r.workloads.includes(refName));
  if (mine.length === 0) {
    const ts: Timing[] = [];
    for (let round = 0; round < (eagerOnce === null ? 1 : args.rounds); round++) ts.push(measureBoth());
    const t = ts[ts.length - 1];
    const why = missing.filter((m) => m.workloads.includes(refName)).map((m) => `${m.label}: ${m.reason}`);
    emit({ ...base(t), ...ablation(), note: `reference missing${why.length ? ` (${why.join("; ")})` : ""}` });
    return;
  }
  for (const ref of mine) {
    const threads = ref.kind === "c" ? 1 : args.threads;
    const refVals: number[] = [],
      ours: Timing[] = [],
      ratios: number[] = [];
    let impl = ref.label,
      refErr = "",
      ok: boolean | null = null;
    for (let round = 0; round < args.rounds; round++) {
      progress(`${c.name}: round ${round + 1}/${args.rounds}: ${ref.label}`);
      const r = ref.run(refName, threads);
      impl = r.impl || impl;
      if (r.error || r.value === undefined) {
        refErr = r.error ?? "no value";
        break;
      }
      if (ok === null || ok) ok = refCheckOk(c, checks, r);
      progress(`${c.name}: round ${round + 1}/${args.rounds}: shocklens`);
      const t = measureBoth();
      refVals.push(r.value);
      ours.push(t);
      ratios.push(r.value / t.value);
    }
    if (refErr) {
      const t = ours.length ? ours[ours.length - 1] : measure();
      emit({ ...base(t), note: `reference ${impl} failed: ${refErr}` });
      continue;
    }
    const mid = ours.map((t) => t.value);
    const t: Timing = {
      value: median(mid),
      min: Math.min(...ours.map((o) => o.min)),
      max: Math.max(...ours.map((o) => o.max)),
      reps: args.reps * ours.length,
      inner: ours[0].inner,
    };
    const ratio = median(ratios);
    const tg = target(refName, impl, gemm);
    emit({
      ...base(t),
      reference: { impl, value: sig(median(refVals)), threads, check_ok: ok },
      ratio: sig(ratio, 3),
      ratios: ratios.map((x) => sig(x, 3)),
      ...ablation(),
      target: tg,
      met: tg === null ? null : ratio >= tg,
    });
  }
}

// ---- output ----------------------------------------------------------------------------------

function progress(msg: string): void {
  if (process.stderr.isTTY || args.json) process.stderr.write(`# ${msg}\n`);
}

function machine(): string {
  const cpu = cpus();
  const g = gemmInfo();
  const detail = ` (${g.detail.split(",")[0]})`;
  const small = g.smallKernels.active ? "; small products: wasm kernels" : "";
  const machine = `${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores; Node ${process.version}`;
  return `${machine}; GEMM ${g.backend}${detail}${small}; threads ${args.threads}`;
}

function table(lines: Line[]): string {
  const rows = lines.map((l) => [
    l.workload,
    l.unit,
    String(l.value),
    l.reference ? l.reference.impl : "—",
    l.reference ? String(l.reference.value) : "—",
    l.ratio === null ? "—" : `${l.ratio}${l.ratios ? ` (${l.ratios.join(", ")})` : ""}`,
    l.target === null ? "" : `≥ ${l.target}`,
    l.met === null ? "" : l.met ? "yes" : "no",
    l.check_ok && (l.reference?.check_ok ?? true) ? "ok" : "MISMATCH",
    l.vs_eager === undefined ? "" : `${l.vs_eager} (${(l.vs_eager_rounds ?? []).join(", ")})`,
  ]);
  const head = [
    "workload",
    "unit",
    "shocklens",
    "reference",
    "ref value",
    "ratio (rounds)",
    "target",
    "met",
    "check",
    "vs eager (rounds)",
  ];
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(w[i]))
      .join("  ")
      .trimEnd();
  return [fmt(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(fmt)].join("\n");
}

function main(): void {
  if (args.backend !== "auto") useGemmBackend(args.backend);
  setGemmThreads(args.threads);
  const found: Availability = args.reference
    ? findReferences()
    : {
        references: [],
        missing: [{ label: "all", workloads: CASES.map((c) => c.name), reason: "--no-reference" }],
        cleanup: () => {},
      };
  const lines: Line[] = [];
  const emit = (l: Line) => {
    lines.push(l);
    if (args.json) process.stdout.write(JSON.stringify(l) + "\n");
  };
  if (!args.json) {
    process.stdout.write(
      `shocklens bench — ${new Date().toISOString().replace("T", " ").slice(0, 19)} UTC\n${machine()}\n`,
    );
    process.stdout.write(
      `ratio = reference time / shocklens time (> 1: shocklens faster); median of ${args.rounds} alternating rounds\n` +
        "vs eager (compiled lines) = time of the eager line / time of the compiled line, both timed in every round\n",
    );
    for (const m of found.missing) process.stdout.write(`reference missing: ${m.label}: ${m.reason}\n`);
    process.stdout.write("\n");
  }
  try {
    for (const c of CASES) {
      if (args.only && !args.only.includes(c.name)) continue;
      runCase(c, found.references, found.missing, emit);
    }
  } finally {
    found.cleanup();
  }
  if (!args.json) process.stdout.write(table(lines) + "\n");
  if (lines.some((l) => !l.check_ok || l.reference?.check_ok === false)) process.exitCode = 1;
}

main();
