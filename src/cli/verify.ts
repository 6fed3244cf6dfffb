/**
 * `shocklens verify --arch mlp|cnn|transformer|meanfield [--seed S] [--json]`: the falsification
 * harness of the paper's claims on a small trained network of the family (docs/gradient-field.md
 * §verify). `--json` prints the result object (contract keys hj, burgers, shock, gradientField,
 * verdict, and everything behind them); otherwise a claim-by-claim table and the verdict.
 *
 * `shocklens verify --run ID [--store F]`: the gradient-field check on a stored run's final weights
 * (docs/gradient-field.md §trained networks), recorded as a `verify` event of the run.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../errors.ts";
import { parseFamily } from "../experiments/families.ts";
import { runVerify, type VerifyResult } from "../experiments/verify.ts";
import { verifyStoredRun, type RunVerifyResult } from "../experiments/verifyRun.ts";
import { storeError } from "../store/connect.ts";
import { resolveStorePath } from "../store/paths.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import { parseNumber, printJson } from "./options.ts";

interface VerifyOptions {
  arch?: string;
  run?: string;
  store?: string;
  neurons?: string;
  seed?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("verify")
    .description(
      "check the paper's claims on a small trained network: HJ/Burgers residual orders, shock time, and whether " +
        "SGD's drift on the quotient is a gradient field",
    )
    .option("--arch <family>", "mlp | cnn | transformer | meanfield")
    .option("--run <id>", "instead of --arch: the gradient-field check on a stored run's final weights")
    .option("--store <file>", "run store of --run (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--neurons <k>", "with --run: hidden neurons the chart moves (default 2)")
    .option("--seed <S>", "seed of the data, the training and every test (default 0; with --run: the run's)")
    .option("--json", "print one JSON object on stdout")
    .action((o: VerifyOptions) => {
      if ((o.arch === undefined) === (o.run === undefined))
        throw new InputError("verify: give exactly one of --arch <family> and --run <id>");
      const seed =
        o.seed === undefined
          ? undefined
          : parseNumber(o.seed, "--seed", { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER });
      if (o.run !== undefined) return verifyRunCommand(o.run, o, seed);
      const arch = parseFamily(o.arch!);
      if (!o.json) process.stderr.write(`shocklens verify: training a small ${arch} and testing the claims …\n`);
      const r = runVerify(arch, seed ?? 0);
      if (o.json) printJson(r);
      else process.stdout.write(verifyText(r));
    });
}

function verifyRunCommand(ref: string, o: VerifyOptions, seed: number | undefined): void {
  const neurons = o.neurons === undefined ? undefined : parseNumber(o.neurons, "--neurons", { integer: true, min: 1 });
  const path = resolveStorePath(o.store);
  if (!existsSync(path)) throw new InputError(`--store: no run store at ${path}`);
  let store: SqliteRunStore;
  try {
    store = SqliteRunStore.open(path);
  } catch (err) {
    throw storeError(err, path);
  }
  try {
    const { result } = verifyStoredRun(store, ref, { neurons, seed });
    if (o.json) printJson(result);
    else process.stdout.write(verifyRunText(result));
  } finally {
    store.close();
  }
}

export function verifyRunText(r: RunVerifyResult): string {
  const g = r.gradientField;
  const g3 = (v: number) => (Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toPrecision(3));
  const c = (x: { mean: number; stderr: number; p: number }) =>
    `circulation ${g3(x.mean)} ± ${g3(x.stderr)} (p = ${g3(x.p)})`;
  return [
    `shocklens verify --run ${r.run}  (${r.seconds.toFixed(1)} s; recorded as a verify event at step ${r.step})`,
    ``,
    `network   ${JSON.stringify(r.model)}`,
    `SGD       η ${r.eta}, batch ${r.batchSize}, on ${r.samples} training samples`,
    `slice     ${r.chart}; curvatures ${r.curvature.map((v) => v.toPrecision(3)).join(", ")}`,
    ``,
    `  induced metric       asymmetry ${g3(g.asymmetry)}, ${c(g.circulation)}, ` +
      `η-exponent ${g.etaExponent.toFixed(2)} (${g.order})`,
    `  Euclidean invariants asymmetry ${g3(g.euclidean.asymmetry)}, ${c(g.euclidean.circulation)}, ` +
      `η-exponent ${g.euclidean.etaExponent.toFixed(2)} (${g.euclidean.order})`,
    ``,
    r.verdict,
    ``,
  ].join("\n");
}

export function verifyText(r: VerifyResult): string {
  const w = Math.max(...r.claims.map((c) => c.id.length));
  const lines = [
    `shocklens verify --arch ${r.arch} --seed ${r.seed}  (${r.seconds.toFixed(1)} s)`,
    ``,
    `network   ${JSON.stringify(r.model)}`,
    `training  ${r.training.steps} SGD steps, lr ${r.training.lr}, ` +
      `batch ${r.training.batchSize}: loss ${r.training.lossInitial.toPrecision(3)} ` +
      `→ ${r.training.lossTrained.toPrecision(3)}`,
    `slice     ${r.slice.chart}; curvatures ${r.slice.curvature.map((v) => v.toPrecision(3)).join(", ")}`,
    `metric    ${r.gradientField.metric}`,
    ``,
    ...r.claims.map((c) => `  ${c.id.padEnd(w)}  ${c.status.padEnd(13)}  ${c.evidence}`),
    ``,
    r.verdict,
    ``,
  ];
  return lines.join("\n");
}
