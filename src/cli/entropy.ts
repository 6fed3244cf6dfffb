/**
 * `shocklens entropy`: the local entropy u(x,t) = −β⁻¹ log[(2πt/β)^{−n/2} ∫ e^{−βL(y) − β|x−y|²/(2t)} dy]
 * of a network loss L at the given weights x, its gradient ∇u = (x − ⟨y⟩)/t and error estimates
 * (docs/local-entropy.md): by default `--method auto` picks the estimator and says why; the
 * others are importance sampling (--proposal kernel|shifted|laplace), tempering SMC, SGLD (MALA +
 * thermodynamic integration) and quadrature (1-D/2-D slices). With --slice every method works on
 * the same slice function g(s) = L(x + Σ sᵢdᵢ), so they can be compared on one problem; without
 * it the sampling methods estimate the full n-D u. Error bars whose diagnostics fail are null
 * (`reliability` says why); under --stderr TARGET an answer that cannot be certified to TARGET
 * exits 1 after printing it.
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
  PROPOSALS,
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
  proposal?: string;
  samples?: string;
  particles?: string;
  crossCheck?: string;
  maxEvaluations?: string;
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
      "local entropy u(x,t), ∇u and error estimates of a network loss (ν = 1/(2β)); error bars only where their diagnostics hold",
    );
  addProblemOptions(cmd, "required")
    .requiredOption("--t <T>", "smoothing scale t > 0 (Entropy-SGD's γ)")
    .requiredOption("--beta <B>", "inverse temperature β > 0 (viscosity ν = 1/(2β))")
    .option("--method <name>", `${METHODS.join(" | ")} (default auto: picks one and says why)`, "auto")
    .option("--proposal <name>", `importance only: ${PROPOSALS.join(" | ")} (default kernel)`)
    .option(
      "--samples <N>",
      "importance and auto: initial samples (default 1024); sgld: samples per chain and λ node (default 2000); " +
        "quadrature: cap on grid points",
    )
    .option("--particles <N>", "smc and auto: particles per replicate (default 256)")
    .option("--cross-check <when>", "auto only: auto | always | never — run smc next to laplace importance sampling")
    .option("--max-evaluations <N>", "smc and auto: budget of evaluations of the smc run")
    .option(
      "--stderr <target>",
      "target error of u: the sampling methods add samples until reached; quadrature's tolerance; " +
        "exits 1 when the answer cannot be certified to it",
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
      "\nCost: evaluations of the loss (and its gradient, Hessian-vector products) over all samples. auto:\n" +
        "laplace importance sampling (about a thousand evaluations) plus an smc cross-check within\n" +
        "--max-evaluations; smc: 8 replicates of --particles particles through the tempering schedule; sgld:\n" +
        "chains × (burn-in + samples) Langevin steps at each of 16 λ nodes; importance: --samples evaluations,\n" +
        "doubled until --stderr is met; quadrature: at most --samples grid points on a 1-D/2-D slice.\n" +
        "Progress on stderr unless --quiet.",
    )
    .action((o: EntropyOptions) => runEntropy(o));
}

export function runEntropy(o: EntropyOptions): void {
  // t, β, --stderr and --seed are checked by localEntropy (messages name them as options).
  const t = parseNumber(o.t, "--t");
  const beta = parseNumber(o.beta, "--beta");
  const method = parseChoice(o.method, "--method", METHODS) as Method;
  const only = (value: string | undefined, option: string, methods: Method[]) => {
    if (value !== undefined && !methods.includes(method))
      throw new InputError(`${option}: only with --method ${methods.join(" or ")}, not ${method}`);
  };
  only(o.proposal, "--proposal", ["importance"]);
  only(o.particles, "--particles", ["smc", "auto"]);
  only(o.crossCheck, "--cross-check", ["auto"]);
  only(o.maxEvaluations, "--max-evaluations", ["smc", "auto"]);
  only(o.samples, "--samples", ["importance", "auto", "sgld", "quadrature"]);
  const proposal = o.proposal === undefined ? undefined : parseChoice(o.proposal, "--proposal", PROPOSALS);
  const crossCheck =
    o.crossCheck === undefined
      ? undefined
      : parseChoice(o.crossCheck, "--cross-check", ["auto", "always", "never"] as const);
  const samples =
    o.samples === undefined
      ? undefined
      : parseNumber(o.samples, "--samples", { integer: true, min: method === "quadrature" ? 9 : 2 });
  const particles =
    o.particles === undefined ? undefined : parseNumber(o.particles, "--particles", { integer: true, min: 16 });
  const maxEvaluations =
    o.maxEvaluations === undefined ? undefined : parseNumber(o.maxEvaluations, "--max-evaluations", { min: 1 });
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

  const common = { t, beta, key, stderr: target };
  const opts: LocalEntropyOptions =
    method === "quadrature"
      ? { method, ...common, maxPoints: samples }
      : method === "importance"
        ? { method, ...common, samples, proposal }
        : method === "smc"
          ? { method, ...common, particles, maxEvaluations }
          : method === "sgld"
            ? { method, ...common, samples }
            : { method, ...common, samples, particles, crossCheck, maxEvaluations };
  // Every estimator's cost is its evaluations of the loss: counted for progress.
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
  const summary = {
    u: r.u,
    gradNorm: r.gradNorm,
    stderr: r.stderr,
    ess: r.ess,
    method: r.method,
    estimator: r.estimator,
    t,
    beta,
    nu: r.nu,
    errorKind: r.errorKind,
    gradNormStderr: r.gradNormStderr,
    reliability: { certified: r.reliability.certified, reason: r.reliability.reason, checks: r.reliability.checks },
    ...(r.auto ? { auto: r.auto } : {}),
    samples: r.samples,
    dim: r.dim,
    params: full.dim,
    scope: slice ? "slice" : "full",
    ...(slice ? { slice } : {}),
    loss: lossAtX,
    lossFunction: loss,
    uNote: r.uNote,
    warnings: [...new Set(r.warnings)],
    ...(input ? { input } : {}),
  };
  if (o.json) printJson(summary);
  else {
    process.stdout.write(
      textReport(r, lossAtX, slice ? `on a ${slice.dim}-D ${slice.kind} slice` : `over all ${full.dim} parameters`) +
        (input ? `input      ${describeInput(input)}\n` : ""),
    );
    // the withdrawal reason is already on the "errors" line
    for (const w of summary.warnings)
      if (!/error bars withdrawn/.test(w)) process.stderr.write(`shocklens: warning: ${oneLine(w)}\n`);
  }
  if (target !== undefined && (r.stderr === null || r.stderr > target))
    throw new Error(
      r.stderr === null
        ? `--stderr ${target}: the error of u cannot be certified (${r.reliability.reason ?? "u was not estimated"})`
        : `--stderr ${target}: not reached (stderr ${r.stderr.toPrecision(3)} at the sample cap)`,
    );
}

/** The text form: one quantity per line; withdrawn error bars read "n/a" with the reason on its own line. */
function textReport(r: LocalEntropyResult, loss: number, scope: string): string {
  const fmt = (v: number | null) => (v === null ? "n/a" : String(v));
  const lines = [
    `u          ${fmt(r.u)} ± ${fmt(r.stderr)} (${r.errorKind})`,
    `|∇u|       ${r.gradNorm} ± ${fmt(r.gradNormStderr)}`,
    `loss L(x)  ${loss}`,
    `method     ${r.estimator} ${scope}`,
    `t, β, ν    ${r.t}, ${r.beta}, ${r.nu}`,
    ...(r.ess === null ? [] : [`ESS        ${r.ess}`]),
    `errors     ${r.reliability.certified ? "certified by the diagnostics" : `withdrawn: ${oneLine(r.reliability.reason ?? "")}`}`,
    ...(r.auto ? [`auto       ${oneLine(r.auto.reason)}`] : []),
  ];
  return lines.join("\n") + "\n";
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}
