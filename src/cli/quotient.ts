/**
 * `shocklens quotient`: symmetry analysis of a network (docs/cli.md §quotient) — its group, raw vs
 * quotient observables, Noether charges, and optionally the canonical (balanced) representative
 * and a random gauge transformation written as safetensors with the same parameter names.
 */
import type { Command } from "commander";
import { key } from "../core/random.ts";
import { InputError } from "../errors.ts";
import { saveTree } from "../nn/files.ts";
import { groupOf } from "../nn/registry.ts";
import { checkOutputs } from "../io/output.ts";
import { observe, flattenValues, type ObserveResult } from "../diagnostics/observables.ts";
import { ravel, treeNorm } from "../core/tree.ts";
import { Progress, type Phase } from "../progress.ts";
import { parseNumber, printJson } from "./options.ts";
import { addProblemOptions, describeInput, loadCommandProblem, problemGuard, type ProblemOptions } from "./problem.ts";
import type { RunInput } from "../train/fromRun.ts";

interface QuotientOptions extends ProblemOptions {
  canonical?: string;
  gauge?: string;
  gaugeRange?: string;
  out?: string;
  force?: boolean;
  hessian: boolean;
  hessianSteps?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command("quotient")
    .description(
      "symmetry analysis: group, invariants, raw vs quotient observables, Noether charges, canonical form, gauge transformations",
    );
  addProblemOptions(cmd, "optional")
    .option("--canonical <file>", "write the canonical (balanced, orbit-norm-minimal) representative here")
    .option("--gauge <seed>", "apply a random group element drawn from this seed (needs --out)")
    .option("--gauge-range <r>", "scalings log-uniform in [1/r, r], GL condition numbers up to r (default 100)")
    .option("--out <file>", "where --gauge writes the transformed weights")
    .option("--force", "overwrite --out / --canonical if they exist (never an input file)")
    .option("--no-hessian", "skip the Lanczos Hessian spectra (raw and quotient) and t*")
    .option("--hessian-steps <n>", "Lanczos steps for the Hessian spectra (default 30)")
    .option("--json", "print one JSON object on stdout")
    .addHelpText(
      "after",
      "\nCost: with data, the Hessian spectra dominate — 2 × hessian-steps Hessian-vector products over all\n" +
        "samples, each a few gradients' cost. --no-hessian skips them (often ten times faster);\n" +
        "fewer --hessian-steps or fewer samples make them cheaper. Progress on stderr unless --quiet.",
    )
    .action((o: QuotientOptions) => runQuotient(o));
}

export function runQuotient(o: QuotientOptions): void {
  if (o.gauge !== undefined && !o.out)
    throw new InputError("--gauge needs --out <file> (where to write the transformed weights)");
  if (o.out && o.gauge === undefined) throw new InputError("--out is only used with --gauge <seed>");
  checkOutputs(
    [
      o.canonical === undefined ? undefined : { path: o.canonical, what: "--canonical" },
      o.out === undefined ? undefined : { path: o.out, what: "--out" },
    ],
    {
      ...problemGuard(o),
      force: o.force,
    },
  );
  const seed = o.gauge === undefined ? undefined : parseNumber(o.gauge, "--gauge", { integer: true, min: 0 });
  const logRange = o.gaugeRange === undefined ? 100 : parseNumber(o.gaugeRange, "--gauge-range", { min: 1 });
  const steps =
    o.hessianSteps === undefined
      ? 30
      : parseNumber(o.hessianSteps, "--hessian-steps", { integer: true, min: 1, max: 100000 });
  const { cfg, params, data: d, input } = loadCommandProblem(o, false);
  const data = d && { x: d.x, y: d.y, loss: d.loss };
  const group = groupOf(cfg);
  // The Hessian spectra dominate the cost: 2 · min(steps, n) Hessian-vector products over all data.
  const progress = new Progress({ label: "quotient", quiet: o.quiet });
  const hvps = 2 * Math.min(steps, ravel(params).length);
  let phase: Phase | undefined;
  const onHvp = () => (phase ??= progress.phase("Hessian spectra (Lanczos)", { total: hvps, unit: "HVPs" })).tick();
  let result: QuotientResult;
  try {
    result = observe(cfg, params, { ...(data ?? {}), group, hessian: data && o.hessian ? { steps, onHvp } : false });
  } finally {
    phase?.end();
  }
  if (result.loss !== undefined && !Number.isFinite(result.loss))
    throw new Error(`loss is ${result.loss} at these weights and data`);
  const files: Record<string, string> = {};
  if (o.canonical) {
    saveTree(o.canonical, group.canonicalize(params), "", {
      producer: "shocklens quotient --canonical",
      group: group.name,
    });
    files.canonical = o.canonical;
  }
  if (seed !== undefined && o.out) {
    const moved = group.act(params, group.randomElement(key(seed), { logRange }));
    saveTree(o.out, moved, "", {
      producer: "shocklens quotient --gauge",
      seed: String(seed),
      logRange: String(logRange),
    });
    files.gauge = o.out;
    result.gauge = { seed, logRange, paramNormRatio: treeNorm(moved) / treeNorm(params) };
  }
  if (Object.keys(files).length) result.files = files;
  if (input) result.input = input;
  if (o.json) printJson(result);
  else process.stdout.write(render(result));
}

function fmt(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e9) return String(v);
  return Number.isFinite(v)
    ? Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(4)
      : v.toPrecision(6)
    : String(v);
}

type QuotientResult = ObserveResult & {
  files?: Record<string, string>;
  gauge?: Record<string, number>;
  input?: RunInput;
};

function render(r: QuotientResult): string {
  const lines = [`group     ${r.group.name}`, `dimension ${r.group.dim}`, `          ${r.group.description}`];
  if (r.input) lines.push(`input     ${describeInput(r.input)}`);
  if (r.loss !== undefined) lines.push(`loss      ${fmt(r.loss)} (${r.lossFunction})`);
  for (const kind of ["raw", "quotient"] as const) {
    lines.push(
      `${kind} observables${kind === "quotient" ? " (unchanged by every group element)" : " (gauge-dependent)"}:`,
    );
    for (const [k, v] of flattenValues(r.observables[kind])) lines.push(`  ${k.padEnd(44)} ${fmt(v)}`);
  }
  lines.push("Noether charges (conserved by gradient flow, moved by the group), max |Q| per component:");
  for (const [k, v] of Object.entries(r.chargeMax)) lines.push(`  ${k.padEnd(44)} ${fmt(v)}`);
  if (r.tStar !== undefined) lines.push(`t* (quotient Hessian) ${fmt(r.tStar)}`);
  for (const [name, b] of Object.entries(r.symmetryBreaking ?? {})) {
    lines.push(`broken symmetry ${name}: ${b.description}`);
    const changes = b.relLossChange.map((x) => `s=${x.scale}: ${fmt(x.value)}`).join(", ");
    lines.push(`  relative loss change s → 10s: ${changes}; |cos(∇L, ξ)| = ${fmt(b.gradientCosine)}`);
  }
  if (r.gauge)
    lines.push(`gauge     seed ${r.gauge.seed}, range ${r.gauge.logRange}: raw ‖θ‖ ×${fmt(r.gauge.paramNormRatio)}`);
  for (const [k, v] of Object.entries(r.files ?? {})) lines.push(`wrote     ${k} → ${v}`);
  return lines.join("\n") + "\n";
}
