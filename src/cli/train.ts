/**
 * `shocklens train --config RUN.yaml | --resume ID [--store F]`: train a model into the run store
 * (`--schema` prints the config's JSON Schema). Progress on stderr when it is a terminal; once the
 * run has started, Ctrl-C (or SIGTERM) finishes the current step, checkpoints and leaves the run
 * resumable (exit 130) — before that (preparing data) they stop the process at once. A diverged
 * run is FAILED with a `divergence` event and exits 1; a full disk or a store locked too long
 * leaves it KILLED (resumable) and exits 1.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { InputError } from "../errors.ts";
import { checkOutput } from "../io/output.ts";
import { readConfigFile } from "../nn/files.ts";
import { resolveStorePath } from "../store/paths.ts";
import { storeError } from "../store/connect.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import { parseRunConfig, runConfigJsonSchema, withAbsolutePaths } from "../train/config.ts";
import type { Callback } from "../train/loop.ts";
import { progressBar } from "../train/progress.ts";
import { trainRun, type TrainRunOptions, type TrainRunResult } from "../train/run.ts";
import { printJson } from "./options.ts";

export const EXIT_INTERRUPTED = 130;

interface TrainOptions {
  config?: string;
  resume?: string;
  store?: string;
  schema?: boolean;
  quiet?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("train")
    .description("train a model from a run config (YAML/JSON) into the run store, with checkpoints; or resume a run")
    .option("--config <file>", "run config (YAML or JSON); see --schema")
    .option("--resume <id>", "continue a killed or interrupted run (id or unique prefix) from its last checkpoint")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--schema", "print the JSON Schema of the run config and exit")
    .option("--quiet", "no progress bar and no messages on stderr")
    .option("--json", "print one JSON object {run, status, step, metrics, …} on stdout")
    .action(async (o: TrainOptions) => {
      if (o.schema) {
        process.stdout.write(JSON.stringify(runConfigJsonSchema(), null, 2) + "\n");
        return;
      }
      if ((o.config === undefined) === (o.resume === undefined))
        throw new InputError("train: give --config RUN.yaml for a new run or --resume ID to continue one (not both)");
      const storePath = resolveStorePath(o.store);
      // The store is written: it must be a regular file (or new) and not the config it trains from.
      checkOutput(
        { path: storePath, what: "--store" },
        { inputs: [o.config === undefined ? undefined : { path: o.config, what: "--config" }], force: true },
      );
      // data.path and init.weights are relative to the config file, and stored absolute.
      const config =
        o.config !== undefined
          ? withAbsolutePaths(
              parseRunConfig(readConfigFile(o.config, "run config"), `config ${o.config}`),
              dirname(resolve(o.config)),
            )
          : undefined;
      if (o.resume !== undefined && !existsSync(storePath))
        throw new InputError(`--resume: no run store at ${storePath}`);
      await runInStore(storePath, { config, resume: o.resume, source: o.config && `config ${o.config}` }, o, "train");
    });
}

/** Runs (or resumes) one training run with the CLI's conventions: progress, signals, summary, exit code. */
export async function runInStore(
  storePath: string,
  what: Pick<TrainRunOptions, "config" | "resume" | "source">,
  o: { quiet?: boolean; json?: boolean },
  label: string,
  summary: (r: TrainRunResult, storePath: string) => string = formatSummary,
  /** More results to report after the run (merged into the --json object, appended to the text). */
  extra?: (r: TrainRunResult) => { json: Record<string, unknown>; text: string } | null,
): Promise<TrainRunResult> {
  let store: SqliteRunStore;
  try {
    store = SqliteRunStore.open(storePath);
  } catch (err) {
    throw storeError(err, storePath);
  }
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: stop now
    if (!o.quiet)
      process.stderr.write(
        `\nshocklens: ${sig}: finishing the current step and writing a checkpoint (again to quit at once)\n`,
      );
    abort.abort();
  };
  try {
    const bar = o.quiet ? null : progressBar({ label });
    const r = await trainRun({
      store,
      ...what,
      signal: abort.signal,
      callbacks: [bar].filter((c): c is Callback => c !== null),
      log: o.quiet ? undefined : (line) => process.stderr.write(`shocklens: ${line}\n`),
      onRun: (h) => {
        // From here on a signal stops the run gracefully at the next step (the loop checks the flag).
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        if (!o.quiet) {
          process.stderr.write(
            `shocklens: run ${h.id} (${h.name}) ${h.resumedFrom === null ? "started" : `resumed at step ${h.resumedFrom}`}: ` +
              `${h.totalSteps} steps, store ${storePath}\n`,
          );
          for (const note of h.notes) process.stderr.write(`shocklens: note: ${note}\n`);
        }
      },
    }).catch((err: unknown) => {
      throw storeError(err, storePath);
    });
    const more = extra?.(r) ?? null;
    if (o.json)
      printJson({
        run: r.id,
        name: r.name,
        status: r.status,
        storeStatus: storeStatus(r.status),
        step: r.step,
        totalSteps: r.totalSteps,
        resumedFrom: r.resumedFrom,
        metrics: r.metrics,
        seconds: r.seconds,
        store: storePath,
        checkpoint: r.checkpoint,
        weights: r.weights,
        ...(r.divergence ? { divergence: r.divergence } : {}),
        ...more?.json,
      });
    else process.stdout.write(summary(r, storePath) + (more ? `\n${more.text}\n` : ""));
    if (r.status === "FAILED") {
      process.stderr.write(
        `shocklens: run ${r.id} diverged: ${r.divergence?.cause}; it is marked FAILED, last good checkpoint ${r.checkpoint ?? "(none)"}\n`,
      );
      process.exitCode = 1;
    } else if (r.status === "INTERRUPTED") {
      if (!o.quiet)
        process.stderr.write(
          `shocklens: interrupted at step ${r.step}; continue with: shocklens train --resume ${r.id} --store ${storePath}\n`,
        );
      process.exitCode = EXIT_INTERRUPTED;
    }
    return r;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    store.close();
  }
}

/** The run's status as the store records it (`runs list`): an interrupted run is KILLED. */
function storeStatus(status: TrainRunResult["status"]): "FINISHED" | "FAILED" | "KILLED" {
  return status === "INTERRUPTED" ? "KILLED" : status;
}

function pct(v: number | undefined): string {
  return v === undefined ? "—" : `${(100 * v).toFixed(2)} %`;
}

export function formatSummary(r: TrainRunResult, storePath: string): string {
  const m = r.metrics;
  const lines = [
    `run       ${r.id} (${r.name})`,
    `status    ${r.status === "INTERRUPTED" ? "KILLED (interrupted; resumable)" : r.status} ` +
      `at step ${r.step}/${r.totalSteps} in ${r.seconds.toFixed(1)} s`,
  ];
  if (m["test/loss"] !== undefined)
    lines.push(
      `test      loss ${m["test/loss"].toPrecision(4)}${m["test/accuracy"] !== undefined ? `, accuracy ${pct(m["test/accuracy"])}` : ""}`,
    );
  if (m["train/loss"] !== undefined)
    lines.push(
      `train     loss ${m["train/loss"].toPrecision(4)}` +
        (m["train/accuracy"] !== undefined ? `, accuracy ${pct(m["train/accuracy"])}` : ""),
    );
  if (r.weights) lines.push(`weights   ${r.weights}`);
  lines.push(`store     ${storePath}   (shocklens runs show ${r.id} --store ${storePath})`);
  return lines.join("\n") + "\n";
}
