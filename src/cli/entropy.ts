/**
 * `shocklens entropy`: the local entropy u(x,t) = −β⁻¹ log[(2πt/β)^{−n/2} ∫ e^{−βL(y) − β|x−y|²/(2t)} dy]
 * of a network loss L at the given weights x, its gradient ∇u = (x − ⟨y⟩)/t and error estimates,
 * by SGLD (MALA + thermodynamic integration), importance sampling or quadrature (1-D/2-D slices).
 * With --slice every method works on the same slice function g(s) = L(x + Σ sᵢdᵢ), so the three
 * can be compared on one problem; without it sgld/importance estimate the full n-D u.
 */
import type { Command } from "commander";
import { loadDirection } from "../nn/files.ts";
import { ravel } from "../core/tree.ts";
import { key as keyOf, foldIn } from "../core/random.ts";
import { InputError } from "../errors.ts";
import {
  localEntropy,
  modelObjective,
  sliceObjective,
  randomDirections,
  hessianDirections,
  countedObjective,
  METHODS,
  type Method,
  type LocalEntropyOptions,
  type LocalEntropyResult,
} from "../coarse/index.ts";
import { parseChoice, parseNumber, printJson } from "./options.ts";
import { Progress } from "../progress.ts";
import { addProblemOptions, describeInput, loadCommandProblem, type ProblemOptions } from "./problem.ts";

interface EntropyOptions extends ProblemOptions {
  t: string;
  beta: string;
  method: string;
  samples?: string;
  stderr?: string;
  seed?: string;
  slice?: string;
  sliceDim?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const cmd = program
    .command("entropy")
    .description(
      "local entropy u(x,t), ∇u and error estimates of a network loss (ν = 1/(2β)) by sgld, importance sampling or slice quadrature",
    );
  addProblemOptions(cmd, "required")
    .requiredOption("--t <T>", "smoothing scale t > 0 (Entropy-SGD's γ)")
    .requiredOption("--beta <B>", "inverse temperature β > 0 (viscosity ν = 1/(2β))")
    .requiredOption("--method <name>", "sgld | importance | quadrature")
    .option(
      "--samples <N>",
      "importance: initial samples (default 1024); sgld: samples per chain and λ node (default 2000); quadrature: cap on grid points",
    )
    .option(
      "--stderr <target>",
      "target error of u: importance and sgld double their samples until reached; quadrature's tolerance",
    )
    .option("--seed <S>", "seed of every random draw (default 0)")
    .option(
      "--slice <what>",
      "work on a slice through x: random | hessian | DIRS.safetensors[,DIRS2.safetensors] (directions named like the weights)",
    )
    .option("--slice-dim <k>", "1 or 2: directions for --slice random|hessian (default 1)")
    .option("--json", "print one JSON object on stdout")
    .addHelpText(
      "after",
      "\nCost: evaluations of the loss (and its gradient) over all samples. sgld: chains × (burn-in + samples)\n" +
        "Langevin steps at each of 16 λ nodes — the most expensive; importance: --samples evaluations, doubled\n" +
        "until --stderr is met; quadrature: at most --samples grid points on a 1-D/2-D slice — the cheapest.\n" +
        "Fewer --samples, a looser --stderr, a --slice or fewer data samples make any of them cheaper.\n" +
        "Progress on stderr unless --quiet.",
    )
    .action((o: EntropyOptions) => runEntropy(o));
}

export function runEntropy(o: EntropyOptions): void {
  // t, β, --stderr and --seed are checked by localEntropy (messages name them as options).
  const t = parseNumber(o.t, "--t");
  const beta = parseNumber(o.beta, "--beta");
  const method = parseChoice(o.method, "--method", METHODS) as Method;
  const samples =
    o.samples === undefined
      ? undefined
      : parseNumber(o.samples, "--samples", { integer: true, min: method === "quadrature" ? 9 : 2 });
  const target = o.stderr === undefined ? undefined : parseNumber(o.stderr, "--stderr");
  const seed = o.seed === undefined ? 0 : parseNumber(o.seed, "--seed", { integer: true, min: 0 });
  const sliceDim =
    o.sliceDim === undefined ? 1 : parseNumber(o.sliceDim, "--slice-dim", { integer: true, min: 1, max: 2 });
  if (o.sliceDim !== undefined && (o.slice === undefined || !["random", "hessian"].includes(o.slice)))
    throw new InputError("--slice-dim: only with --slice random or --slice hessian");

  const { model, params, data: d, input } = loadCommandProblem(o, true);
  const data = d!;
  const loss = data.loss;
  const full = modelObjective(model, params, data.x, data.y, loss);
  const x0 = ravel(params);
  const lossAtX = full.value(x0);
  if (!Number.isFinite(lossAtX)) throw new Error(`loss is ${lossAtX} at these weights and data`);
  const key = keyOf(seed);

  let objective = full;
  let x = x0;
  let slice: Record<string, unknown> | undefined;
  if (o.slice !== undefined) {
    let dirs: Float64Array[];
    let curvature: number[] | undefined;
    if (o.slice === "random") dirs = randomDirections(foldIn(key, 0x51ce), full.dim, sliceDim);
    else if (o.slice === "hessian") {
      const h = hessianDirections(full, x0, sliceDim, { key: foldIn(key, 0x4e55) });
      dirs = h.directions;
      curvature = h.eigenvalues;
    } else dirs = o.slice.split(",").map((path) => ravel(loadDirection(path, model)));
    if (dirs.length > 2) throw new InputError(`--slice: at most 2 direction files, got ${dirs.length}`);
    const s = sliceObjective(full, x0, dirs);
    objective = s.objective;
    x = s.origin;
    slice = {
      kind: o.slice === "random" || o.slice === "hessian" ? o.slice : "files",
      dim: dirs.length,
      ...(curvature ? { curvature } : {}),
    };
  } else if (method === "quadrature" && full.dim > 2) {
    throw new InputError(
      `--method quadrature: the model has ${full.dim} parameters; quadrature integrates over a 1-D/2-D slice, ` +
        "so add --slice random|hessian|DIRS.safetensors",
    );
  }

  const common = { t, beta, key };
  const opts: LocalEntropyOptions =
    method === "quadrature"
      ? { method, ...common, stderr: target, maxPoints: samples }
      : method === "importance"
        ? { method, ...common, samples, stderr: target }
        : { method, ...common, samples, stderr: target };
  // Every estimator's cost is its evaluations of the loss over all samples: counted for progress.
  const progress = new Progress({ label: "entropy", quiet: o.quiet });
  const phase = progress.phase(`local entropy (${method})`, { unit: "loss evaluations" });
  let r: LocalEntropyResult;
  try {
    r = localEntropy(
      countedObjective(objective, () => phase.tick()),
      x,
      opts,
    );
  } finally {
    phase.end();
  }
  for (const w of r.warnings) process.stderr.write(`shocklens: warning: ${w}\n`);
  const summary = {
    u: r.u,
    gradNorm: r.gradNorm,
    stderr: r.stderr,
    ess: r.ess,
    method: r.method,
    t,
    beta,
    nu: r.nu,
    errorKind: r.errorKind,
    gradNormStderr: r.gradNormStderr,
    samples: r.samples,
    dim: r.dim,
    params: full.dim,
    scope: slice ? "slice" : "full",
    ...(slice ? { slice } : {}),
    loss: lossAtX,
    lossFunction: loss,
    uNote: r.uNote,
    warnings: r.warnings,
    ...(input ? { input } : {}),
  };
  if (o.json) printJson(summary);
  else {
    const fmt = (v: number | null) => (v === null ? "n/a" : String(v));
    const over = slice ? `on a ${slice.dim}-D ${slice.kind} slice` : `over all ${full.dim} parameters`;
    process.stdout.write(
      `u          ${fmt(r.u)} ± ${fmt(r.stderr)} (${r.errorKind})\n|∇u|       ${r.gradNorm} ± ${r.gradNormStderr}\n` +
        `loss L(x)  ${lossAtX}\nmethod     ${r.method} ${over}\n` +
        `t, β, ν    ${t}, ${beta}, ${r.nu}\n${r.ess === null ? "" : `ESS        ${r.ess}\n`}` +
        (input ? `input      ${describeInput(input)}\n` : ""),
    );
  }
}
