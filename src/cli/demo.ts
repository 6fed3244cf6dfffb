/**
 * `shocklens demo`: the main job end to end on embedded defaults, no arguments, no server, no
 * download — trains a small MLP on the MNIST digits shipped with the package into the run store
 * (progress bar on a terminal), prints the test accuracy, where the run is stored and the commands
 * to look at it — then shows the trained network through its symmetry group (raw observables move
 * under a random gauge transformation, quotient observables and forecasts do not), writes the HTML
 * report of the run (with the analysis of its final weights) and prints its path with a five-line
 * summary.
 */
import type { Command } from "commander";
import { checkOutput } from "../io/output.ts";
import { DEFAULT_STORE_PATH, resolveStorePath } from "../store/paths.ts";
import { parseRunConfig, type RunConfigInput } from "../train/config.ts";
import type { TrainRunResult } from "../train/run.ts";
import { parseNumber } from "./options.ts";
import { runInStore } from "./train.ts";
import { prepareRun } from "../train/setup.ts";
import { gaugeView, gaugeJson, gaugeTable, GAUGE_HESSIAN_STEPS } from "./demoQuotient.ts";
import { Progress } from "../progress.ts";
import { demoReport } from "./demoReport.ts";

/**
 * 784-128-10 ReLU MLP, SGD with momentum, 10 epochs of 125 batches of 64 over 8 000 training digits
 * (≈ 96 % test accuracy), with the training monitor on (docs/monitor.md §config): raw and quotient
 * observables every 50 steps on 256 training digits — norms, gradients, loss and charges, not the
 * Hessian ones (which would more than double the demo's time; the gauge table shows them at the end) —
 * detectors with a 5-observation reference after the first epoch; the transition booked is test
 * accuracy reaching 95 %.
 */
export const DEMO_CONFIG: RunConfigInput = {
  name: "demo-mnist-mlp",
  experiment: "demo",
  seed: 0,
  model: { arch: "mlp", sizes: [784, 128, 10], activation: "relu" },
  data: { name: "mnist", trainFraction: 0.8 },
  optimizer: { name: "sgd", lr: 0.1, momentum: 0.9 },
  epochs: 10,
  batchSize: 64,
  evalEvery: 125,
  logEvery: 5,
  checkpointEvery: 125,
  monitor: {
    every: 50,
    observables: [
      "paramNorm",
      "gradNorm",
      "loss",
      "orbitMinSqNorm",
      "balancedNorm",
      "horizontalGradNorm",
      "chargeDrift",
    ],
    batch: 256,
    detectors: { window: 5, warmup: 125, bocpd: { minRun: 3 } },
    transition: { metric: "test/accuracy", above: 0.95 },
  },
};

interface DemoOptions {
  store?: string;
  quiet?: boolean;
  json?: boolean;
  steps?: string;
  report?: string | false;
  force?: boolean;
}

export function register(program: Command): void {
  program
    .command("demo")
    .description(
      "train a small network on the shipped MNIST digits into the run store, " +
        "then look at it through its symmetry group (no arguments needed)",
    )
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--steps <n>", "train this many steps instead of 10 epochs (1 250 steps)")
    .option("--report <file>", "where to write the HTML report (default: ./report-<run id>.html)")
    .option("--no-report", "skip the HTML report and its analysis of the trained network")
    .option("--force", "overwrite the --report file if it exists")
    .option("--quiet", "no progress bar and no messages on stderr")
    .option("--json", "print one JSON object {run, status, metrics, store, gauge, report, …} on stdout")
    .action(async (o: DemoOptions) => {
      const raw: RunConfigInput = { ...DEMO_CONFIG };
      if (o.steps !== undefined) {
        delete raw.epochs;
        raw.steps = parseNumber(o.steps, "--steps", { integer: true, min: 1 });
      }
      const config = parseRunConfig(raw, "demo config");
      const storePath = resolveStorePath(o.store);
      // A report path that cannot be written is refused before minutes of training, not after.
      if (typeof o.report === "string")
        checkOutput({ path: o.report, what: "--report" }, { store: storePath, force: o.force });
      if (!o.quiet && !o.json)
        process.stderr.write(
          "shocklens demo: training, then a look at the trained network through its symmetry group\n",
        );
      await runInStore(storePath, { config, source: "demo config" }, o, "demo", demoSummary, (r) => {
        if (r.status !== "FINISHED" || !r.weights) return null;
        // Four Hessian spectra (raw and quotient, before and after the gauge attack) dominate this phase.
        const progress = new Progress({ label: "demo", quiet: o.quiet });
        const weights = r.weights;
        const view = progress.run(
          "gauge attack (Hessian spectra)",
          { total: 4 * GAUGE_HESSIAN_STEPS, unit: "HVPs" },
          (phase) => gaugeView(prepareRun(config, "demo config"), weights, { onHvp: () => phase.tick() }),
        );
        if (o.report === false) return { json: { gauge: gaugeJson(view) }, text: gaugeTable(view) };
        if (!o.quiet && !o.json)
          process.stderr.write("shocklens demo: writing the report (Hessian spectra, verification slice)…\n");
        const out = typeof o.report === "string" ? o.report : `report-${r.id}.html`;
        const rep = demoReport(r, storePath, view, out, o.force);
        return {
          json: { gauge: gaugeJson(view), report: rep.json },
          text: [gaugeTable(view), ``, `Report: ${rep.path}`, ``, ...rep.summary.map((l) => `  ${l}`)].join("\n"),
        };
      });
    });
}

function demoSummary(r: TrainRunResult, storePath: string): string {
  const acc = r.metrics["test/accuracy"];
  const s = storePath === DEFAULT_STORE_PATH ? "" : ` --store ${storePath}`;
  const look: [string, string][] = [
    [`shocklens runs show ${r.id}${s}`, "config, last values, events, checkpoints"],
    [`shocklens runs list${s}`, "every run in the store"],
    [`shocklens runs export ${r.id} --format csv --out demo.csv${s}`, "the curves as CSV"],
  ];
  const w = Math.max(...look.map(([c]) => c.length));
  return [
    `shocklens demo: a 784-128-10 MLP trained on 8 000 shipped MNIST digits (${r.step} SGD steps, ${r.seconds.toFixed(1)} s)`,
    ``,
    `  test accuracy  ${acc === undefined ? "—" : `${(100 * acc).toFixed(2)} %`} on 2 000 held-out digits ` +
      `(test loss ${r.metrics["test/loss"]?.toPrecision(4) ?? "—"})`,
    `  run            ${r.id} (${r.status})`,
    `  store          ${storePath}`,
    `  weights        ${r.weights ?? "—"}`,
    ``,
    `Look at it:`,
    ...look.map(([c, what]) => `  ${c.padEnd(w)}   ${what}`),
    ``,
  ].join("\n");
}
