/**
 * The reference implementations of the benchmark (docs/performance.md §how-the-benchmark-measures), in the
 * folder of reference scripts (bench/reference/ of the repository): PyTorch (torch_reference.py via
 * /usr/bin/python3), the C PDE reference (built here with gcc -O2 / -O3 -march=native into a temporary
 * directory) and numpy (pde_numpy.py).
 * Each is run as its own process for one workload at a time and its JSON line parsed; when one
 * cannot run, `available()` says why and the bench prints its own figures only.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface RefResult {
  workload: string;
  impl: string;
  threads?: number;
  value?: number;
  unit?: string;
  check?: number[];
  checksum?: number;
  check2?: number;
  error?: string;
}

export interface Reference {
  /** Label before it has run (the impl name is taken from its output). */
  label: string;
  kind: "torch" | "c" | "numpy";
  workloads: readonly string[];
  run(workload: string, threads: number): RefResult;
}

const PY = "/usr/bin/python3";
const ML = [
  "tiny-grad",
  "mlp-small-step",
  "mlp-medium-step",
  "mlp-medium-hvp",
  "persample-medium-loop",
  "persample-medium-vmap",
  "transformer-step",
  "sgld-inner",
];
const PDE = ["burgers-muscl", "burgers-weno5", "heat2d"];

/**
 * The folder of reference scripts: $SHOCKLENS_BENCH_REF if set (only it), else bench/reference/ of the
 * repository — seen from bench/ when run from source, from .bench-build/bench/ when compiled.
 */
export function referenceDir(): string | null {
  const env = process.env.SHOCKLENS_BENCH_REF;
  const candidates = env
    ? [env]
    : ["./reference/", "../../bench/reference/"].map((r) => fileURLToPath(new URL(r, import.meta.url)));
  for (const c of candidates) if (existsSync(join(c, "torch_reference.py"))) return resolve(c);
  return null;
}

function lastJson(stdout: string, workload: string): RefResult | null {
  const lines = stdout.split("\n").filter((l) => l.trim().startsWith("{"));
  for (const l of lines.reverse()) {
    try {
      const r = JSON.parse(l) as RefResult;
      if (r.workload === workload) return r;
    } catch {
      // not a result line
    }
  }
  return null;
}

function runProcess(cmd: string, args: string[], workload: string, impl: string, timeoutMs: number): RefResult {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 16 << 20 });
  const res = r.stdout ? lastJson(r.stdout, workload) : null;
  if (res) return res;
  const why = r.error ? r.error.message : (r.stderr || "").trim().split("\n").slice(-1)[0] || `exit status ${r.status}`;
  return { workload, impl, error: why };
}

export interface Availability {
  references: Reference[];
  missing: { label: string; workloads: readonly string[]; reason: string }[];
  cleanup(): void;
}

/** Finds what can run here; compiles the C reference once (removed by cleanup()). */
export function findReferences(): Availability {
  const refs: Reference[] = [];
  const missing: Availability["missing"] = [];
  const dir = referenceDir();
  if (dir === null) {
    const reason = `the folder of reference scripts (${process.env.SHOCKLENS_BENCH_REF ?? "bench/reference"}) was not found`;
    missing.push(
      { label: "torch", workloads: ML, reason },
      { label: "c-O2", workloads: PDE, reason },
      { label: "numpy", workloads: PDE, reason },
    );
    return { references: refs, missing, cleanup: () => {} };
  }
  const py = existsSync(PY);
  // PyTorch (with functorch for the vmap line).
  const torchOk =
    py && spawnSync(PY, ["-c", "import torch, functorch"], { encoding: "utf8", timeout: 120000 }).status === 0;
  if (torchOk) {
    refs.push({
      label: "torch",
      kind: "torch",
      workloads: ML,
      run: (w, threads) =>
        runProcess(
          PY,
          [join(dir, "torch_reference.py"), "--threads", String(threads), "--only", w],
          w,
          "torch",
          600000,
        ),
    });
  } else {
    missing.push({
      label: "torch",
      workloads: ML,
      reason: py
        ? "PyTorch is not installed for /usr/bin/python3 (Debian: apt-get install python3-torch)"
        : "/usr/bin/python3 not found",
    });
  }
  // C, built as the references specify.
  const tmp = mkdtempSync(join(tmpdir(), "shocklens-bench-"));
  const src = join(dir, "pde_reference.c");
  const builds: [string, string[]][] = [
    ["c-O2", ["-O2", "-march=native"]],
    ["c-O3", ["-O3", "-march=native", '-DIMPL_NAME="c-O3"']],
  ];
  for (const [label, flags] of builds) {
    const bin = join(tmp, label);
    const r = spawnSync("gcc", [...flags, "-o", bin, src, "-lm"], { encoding: "utf8", timeout: 120000 });
    if (r.status === 0) {
      refs.push({ label, kind: "c", workloads: PDE, run: (w) => runProcess(bin, ["--only", w], w, label, 600000) });
    } else {
      missing.push({
        label,
        workloads: PDE,
        reason: r.error
          ? `gcc not available (${r.error.message})`
          : `gcc failed: ${(r.stderr || "").trim().split("\n")[0]}`,
      });
    }
  }
  const numpyOk = py && spawnSync(PY, ["-c", "import numpy"], { encoding: "utf8", timeout: 60000 }).status === 0;
  if (numpyOk) {
    refs.push({
      label: "numpy",
      kind: "numpy",
      workloads: PDE,
      run: (w, threads) =>
        runProcess(PY, [join(dir, "pde_numpy.py"), "--threads", String(threads), "--only", w], w, "numpy", 600000),
    });
  } else {
    missing.push({
      label: "numpy",
      workloads: PDE,
      reason: py
        ? "numpy is not installed for /usr/bin/python3 (Debian: apt-get install python3-numpy)"
        : "/usr/bin/python3 not found",
    });
  }
  return { references: refs, missing, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
