/**
 * `shocklens analyze --model M.json --checkpoints 'GLOB' [--data D] [--store F] [--json]`: the
 * training monitor over a checkpoint series saved elsewhere (docs/monitor.md §analyze), stored as
 * a run. Every input is checked before the store is opened, so bad input (a glob matching nothing,
 * a checkpoint that does not fit the model, a step that cannot be read, mixed shapes) exits 2 with
 * one line naming the file and leaves the store untouched.
 */
import type { Command } from "commander";
import type { Tensor } from "../core/tensor.ts";
import type { LossName } from "../nn/index.ts";
import { InputError } from "../errors.ts";
import { chooseLoss, loadData, loadModelConfig } from "../nn/files.ts";
import { checkTargets } from "../nn/index.ts";
import { resolveStorePath } from "../store/paths.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import { analyzeCheckpoints, analyzeObservables, checkObservables, readCheckpointSeries } from "../monitor/analyze.ts";
import { MONITOR_OBSERVABLE_NAMES } from "../monitor/observables.ts";
import { expandGlob } from "./glob.ts";
import { parseLoss, parseNumber, printJson } from "./options.ts";

interface AnalyzeCliOptions {
  model: string;
  checkpoints: string;
  data?: string;
  loss?: string;
  lr?: string;
  observables?: string;
  hessian: boolean;
  hessianSteps?: string;
  name?: string;
  store?: string;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("analyze")
    .description(
      "the training monitor over a checkpoint series saved elsewhere (e.g. PyTorch state_dicts), stored as a run",
    )
    .requiredOption("--model <file>", "model config (JSON/YAML, docs/file-formats.md)")
    .requiredOption("--checkpoints <glob>", "safetensors files, e.g. 'ckpts/step-*.safetensors' (quote it)")
    .option("--data <file>", "data (x, y) for the loss, gradient and Hessian observables")
    .option("--loss <name>", "mse | xent (default: xent for integer y, else mse)")
    .option("--lr <eta>", "the run's learning rate, for sharpness × η/2 (edge of stability)")
    .option("--observables <names>", `comma-separated subset of: ${MONITOR_OBSERVABLE_NAMES.join(", ")}`)
    .option("--no-hessian", "skip the Hessian observables")
    .option("--hessian-steps <n>", "Lanczos steps per spectrum (default 20)")
    .option("--name <name>", "run name (default analyze-<arch>)")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--quiet", "no progress on stderr")
    .option("--json", "print one JSON object {run, steps, observables, kinds, events} on stdout")
    .action((o: AnalyzeCliOptions) => runAnalyze(o));
}

export function runAnalyze(o: AnalyzeCliOptions): void {
  const cfg = loadModelConfig(o.model);
  const files = expandGlob(o.checkpoints);
  if (files.length === 0) throw new InputError(`--checkpoints '${o.checkpoints}': matches no file`);
  const lr = o.lr === undefined ? undefined : parseNumber(o.lr, "--lr", { min: 0 });
  const hessianSteps =
    o.hessianSteps === undefined
      ? undefined
      : parseNumber(o.hessianSteps, "--hessian-steps", { integer: true, min: 1, max: 10000 });
  const observables = o.observables?.split(",").map((s) => s.trim());
  for (const n of observables ?? [])
    if (!MONITOR_OBSERVABLE_NAMES.includes(n))
      throw new InputError(
        `--observables: unknown observable "${n}" (expected ${MONITOR_OBSERVABLE_NAMES.join(", ")})`,
      );
  let data: { x: Tensor; y: Tensor; loss: LossName; file: string } | undefined;
  if (o.data !== undefined) {
    const d = loadData(o.data, cfg);
    const loss = chooseLoss(parseLoss(o.loss), d);
    checkTargets(cfg, d.x, d.y, loss, `data ${o.data}`);
    data = { x: d.x, y: d.y, loss, file: o.data };
  } else if (o.loss !== undefined) throw new InputError("--loss needs --data <file>");
  checkObservables(analyzeObservables({ data, lr, hessian: o.hessian, observables }), data !== undefined);
  const checkpoints = readCheckpointSeries(files, cfg);
  const storePath = resolveStorePath(o.store);
  const store = SqliteRunStore.open(storePath);
  try {
    const r = analyzeCheckpoints({
      store,
      model: cfg,
      checkpoints,
      data,
      lr,
      observables,
      hessian: o.hessian,
      monitor: hessianSteps ? { hessian: { steps: hessianSteps } } : undefined,
      name: o.name,
      source: o.checkpoints,
      onProgress: o.quiet || o.json ? undefined : (i, n) => process.stderr.write(`\rshocklens: analyze ${i}/${n}`),
    });
    if (!o.quiet && !o.json) process.stderr.write("\n");
    if (o.json) {
      const { seconds: _s, ...rest } = r;
      printJson(rest);
    } else {
      process.stdout.write(
        `run       ${r.run} (${checkpoints.length} checkpoints, steps ${r.steps[0]}…${r.steps[r.steps.length - 1]})` +
          ` in ${r.seconds.toFixed(1)} s\n`,
      );
      process.stdout.write(`series    ${Object.keys(r.observables).join(", ")}\n`);
      const counts = new Map<string, number>();
      for (const e of r.events) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
      process.stdout.write(`events    ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ") || "none"}\n`);
      process.stdout.write(`store     ${storePath}   (shocklens runs show ${r.run} --store ${storePath})\n`);
    }
  } finally {
    store.close();
  }
}
