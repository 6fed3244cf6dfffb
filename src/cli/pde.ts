/**
 * `shocklens pde burgers|hj`: reference 1-D solves (docs/cli.md §pde; conventions in docs/pde.md §conventions).
 *   shocklens pde burgers --ic sine --scheme muscl --cells 400 --t 2 --json
 *   shocklens pde hj --ic doublewell --scheme cole-hopf --nu 0.005 --domain -2,2 --bc outflow --t 1.5 --out u.npy
 * Parses the options, calls `solvePde` (which checks them), prints the summary (or the one JSON object) and
 * optionally writes the final state as a float64 .npy (Burgers: cell averages — WENO5: point values;
 * HJ: centre values).
 */
import type { Command } from "commander";
import { writeNpy } from "../io/npy.ts";
import { checkOutputs } from "../io/output.ts";
import { HJ_EXACT_SCHEMES, solvePde } from "../pde/api.ts";
import type { BoundaryCondition } from "../pde/grid.ts";
import { HJ_GRID_SCHEMES } from "../pde/hj/hj1d.ts";
import type { Equation } from "../pde/ic.ts";
import { BURGERS_SCHEMES } from "../pde/schemes.ts";
import { fieldError } from "../validate.ts";
import { parseNumber, printJson } from "./options.ts";

interface PdeOptions {
  ic: string;
  scheme?: string;
  cells: string;
  domain: string;
  t: string;
  nu: string;
  bc: string;
  cfl: string;
  flux?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
}

const DEFAULT_SCHEME: Record<Equation, string> = { burgers: "muscl", hj: "godunov" };

export function register(program: Command): void {
  const pde = program
    .command("pde")
    .description("reference 1-D solves of viscous Burgers and Hamilton–Jacobi (u_t + ½u_x² = ν u_xx)");
  for (const eq of ["burgers", "hj"] as const) {
    const schemes = eq === "burgers" ? BURGERS_SCHEMES : [...HJ_GRID_SCHEMES, ...HJ_EXACT_SCHEMES];
    const cmd = pde
      .command(eq)
      .description(
        eq === "burgers"
          ? "u_t + (u²/2)_x = ν u_xx; results are cell averages"
          : "u_t + ½u_x² = ν u_xx; results are centre values",
      )
      .requiredOption("--ic <spec>", "sine | riemann:UL,UR[,X0] | cubic | doublewell | file:U.npy")
      .option("--scheme <name>", `${schemes.join(" | ")} (default ${DEFAULT_SCHEME[eq]})`)
      .option("--cells <N>", "number of cells", "400")
      .option("--domain <a,b>", "interval; numbers or multiples of pi such as 2pi", "0,2pi")
      .requiredOption("--t <T>", "final time (>= 0)")
      .option("--nu <nu>", "viscosity (>= 0); cole-hopf uses beta = 1/(2 nu)", "0")
      .option("--bc <bc>", "periodic | outflow", "periodic")
      .option("--cfl <C>", "CFL number in (0, 1]", "0.5");
    if (eq === "burgers")
      cmd.option(
        "--flux <name>",
        "numerical flux for muscl, muscl-mc and first-order schemes (not weno5): godunov | rusanov | roe | engquist-osher",
      );
    cmd
      .option("--out <file>", "write the final state as float64 .npy")
      .option("--force", "overwrite --out if it exists (never the --ic file)")
      .option("--json", "print one JSON object {scheme, cells, t, steps, mass, shocks} on stdout")
      .action((o: PdeOptions) => runPde(eq, o));
  }
}

/** "2pi", "-pi", "pi/2", "1.5" → number. */
function parseScalar(s: string, option: string): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-])?\*?pi(?:\/(\d+(?:\.\d*)?))?$/.exec(
    s.replace(/\s+/g, "").toLowerCase(),
  );
  if (!m) return parseNumber(s, option);
  const c = m[1] === undefined || m[1] === "+" ? 1 : m[1] === "-" ? -1 : Number(m[1]);
  return (c * Math.PI) / (m[2] ? Number(m[2]) : 1);
}

/** "a,b" with numbers or multiples of pi; that a < b is the solver's to check. */
export function parseDomain(s: string): [number, number] {
  const parts = s.split(",");
  if (parts.length !== 2) throw fieldError("--domain", "a,b (two numbers)", s);
  return [parseScalar(parts[0], "--domain"), parseScalar(parts[1], "--domain")];
}

/** Parses the options and solves; the values are checked by the solver (its messages name them as options). */
export function runPde(eq: Equation, o: PdeOptions): void {
  const options = {
    ic: o.ic,
    scheme: o.scheme ?? DEFAULT_SCHEME[eq],
    cells: parseNumber(o.cells, "--cells", { integer: true }),
    domain: parseDomain(o.domain),
    t: parseNumber(o.t, "--t"),
    nu: parseNumber(o.nu, "--nu"),
    bc: o.bc as BoundaryCondition,
    cfl: parseNumber(o.cfl, "--cfl"),
    flux: o.flux,
  };
  // Checked before any work: an output that would overwrite the --ic file is refused up front.
  const icFile = o.ic.startsWith("file:") ? o.ic.slice("file:".length) : undefined;
  checkOutputs([o.out === undefined ? undefined : { path: o.out, what: "--out" }], {
    inputs: [icFile ? { path: icFile, what: "--ic" } : undefined],
    force: o.force,
  });
  const { summary, result } = solvePde(eq, options);
  if (o.out) writeNpy(o.out, { dtype: "F64", shape: [result.u.length], data: result.u });
  if (o.json) {
    printJson(summary);
    return;
  }
  const lines = [
    `scheme  ${summary.scheme}`,
    `cells   ${summary.cells}`,
    `t       ${summary.t}`,
    `steps   ${summary.steps}`,
    `mass    ${summary.mass}`,
    `shocks  ${summary.shocks.length === 0 ? "none" : summary.shocks.map(shockText).join("; ")}`,
  ];
  if (o.out) lines.push(`wrote   ${o.out}`);
  process.stdout.write(lines.join("\n") + "\n");
}

/**
 * Six significant digits, never "-0": a tiny jump shows as its size ("1.235e-9 -> -3.402e-9"), not as
 * the "0.000000 -> -0.000000" of fixed decimals.
 */
export function shockNumber(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(3);
}

export function shockText(s: { x: number; left: number; right: number; speed: number }): string {
  const n = shockNumber;
  return `x=${n(s.x)} (${n(s.left)} -> ${n(s.right)}, speed ${n(s.speed)})`;
}
