/**
 * `shocklens sweep --config SWEEP.yaml | --resume ID [--store F] [--queue redis://HOST:PORT]`,
 * `shocklens sweep status ID` (docs/sweeps.md): many runs from one spec, on a local process pool
 * (all cores by default) or on `shocklens worker`s reached through Redis. `--json` prints
 * {sweep, jobs, finished, failed, runs:[id], …} once every job has ended. Ctrl-C stops starting
 * jobs (local jobs checkpoint) and exits 130; `--resume ID` continues. Exit 1 when a job failed.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { InputError } from "../errors.ts";
import { checkOutput } from "../io/output.ts";
import { resolveStorePath } from "../store/paths.ts";
import { RunReader } from "../store/reader.ts";
import { SqliteRunStore } from "../store/sqlite.ts";
import { unknownSweep } from "../store/sweepReader.ts";
import { expandSweep } from "../sweep/expand.ts";
import { testSweepGradientField } from "../sweep/gradientField.ts";
import { phaseDiagram } from "../sweep/phaseDiagram.ts";
import { writePhaseReport } from "../sweep/phaseReport.ts";
import { sweepProgress } from "../sweep/progress.ts";
import { loadSweepSpec, sweepSpecJsonSchema } from "../sweep/spec.ts";
import { formatSweepStatus, jobStatus, summarizeSweep, type SweepSummary } from "../sweep/summary.ts";
import { createSweep, executeSweep, type Executor } from "../sweep/sweep.ts";
import { parseNumber, printJson } from "./options.ts";
import { EXIT_INTERRUPTED } from "./train.ts";

interface SweepOptions {
  config?: string;
  resume?: string;
  store?: string;
  queue?: string;
  workers?: string;
  retries?: string;
  schema?: boolean;
  json?: boolean;
  quiet?: boolean;
}

interface ReportOptions {
  store?: string;
  x?: string;
  y?: string;
  metric: string[];
  gradientField?: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
}

const STORE_HELP = "run store (default: $SHOCKLENS_STORE or ./shocklens.db)";

export function register(program: Command): void {
  const sweep = program
    .command("sweep")
    .description("run a sweep (grid, list, random axes over a run config) on all cores or on workers through Redis")
    .enablePositionalOptions()
    .option("--config <file>", "sweep spec (YAML or JSON); see --schema")
    .option("--resume <id>", "continue a sweep (id or unique prefix): finished jobs are kept, the others run")
    .option("--store <file>", STORE_HELP)
    .option(
      "--queue <url>",
      "redis://HOST:PORT[/DB]: enqueue the jobs for `shocklens worker`s instead of running them here",
    )
    .option("--workers <n>", "processes of the local pool (default: all cores)")
    .option("--retries <n>", "attempts after the first before a job fails (default 2)")
    .option("--schema", "print the JSON Schema of the sweep spec and exit")
    .option("--quiet", "nothing on stderr but errors")
    .option("--json", "print {sweep, jobs, finished, failed, runs:[id], …} on stdout once every job has ended")
    .action(async (o: SweepOptions) => {
      if (o.schema) {
        process.stdout.write(JSON.stringify(sweepSpecJsonSchema(), null, 2) + "\n");
        return;
      }
      await runSweepCommand(o);
    });
  sweep
    .command("status")
    .description("progress and failures of a sweep: one line per job")
    .argument("<id>", "sweep id or unique prefix")
    .option("--store <file>", STORE_HELP)
    .option("--json", "print {sweep, jobs, finished, failed, runs, …, jobList:[…]} on stdout")
    .action((id: string, o: { store?: string; json?: boolean }) => {
      const store = openSweepReader(resolveStorePath(o.store), id, "status");
      try {
        const s = summarizeSweep(store, id);
        const jobs = store.sweeps().jobs(s.sweep);
        if (o.json) printJson({ ...s, jobList: jobs.map(jobStatus) });
        else process.stdout.write(formatSweepStatus(s, jobs));
      } finally {
        store.close();
      }
    });
  sweep
    .command("report")
    .description("phase diagrams of a sweep: heat maps over two of its axes (SVG files and an HTML page)")
    .argument("<id>", "sweep id or unique prefix")
    .option("--store <file>", STORE_HELP)
    .option("--x <path>", "the horizontal axis (default: the spec's first grid path)")
    .option("--y <path>", "the vertical axis (default: its second grid path)")
    .option(
      "--metric <m>",
      "diverged, event:KIND, last:KEY, gradient-field or non-gradient-fraction (repeatable; default: " +
        "diverged, the test metrics, every event kind logged, the gradient-field maps of tested runs)",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      "--gradient-field",
      "test whether each finished run's SGD drift is a gradient field (stored with the run; adds its maps)",
    )
    .option("--out <dir>", "folder for the SVGs and index.html (default: ./sweep-<id>)")
    .option("--force", "replace an earlier report in the --out folder")
    .option("--json", "print {sweep, x, y, maps:[{metric, values, runs, file}], index} on stdout")
    .action((id: string, o: ReportOptions) => {
      const path = resolveStorePath(o.store);
      // Only the gradient-field tests write: their results are stored with the runs.
      const writer = o.gradientField ? SqliteRunStore.open(checkStoreExists(path, "report")) : undefined;
      const store = writer ?? openSweepReader(path, id, "report");
      try {
        // The folder is checked before the (possibly long) gradient-field tests; an earlier report needs --force.
        const out = o.out ?? `sweep-${store.sweeps().sweep(id).id}`;
        checkOutput({ path: out, what: "--out" }, { store: path }, "directory");
        checkOutput({ path: join(out, "index.html"), what: "--out" }, { store: path, force: o.force });
        if (writer) {
          const tty = process.stderr.isTTY;
          const { tested, stored } = testSweepGradientField(writer, id, {
            onRun: (k, n) => tty && process.stderr.write(`\rgradient-field test: run ${k}/${n}`),
          });
          process.stderr.write(
            `${tty && tested ? "\n" : ""}gradient-field test: ${tested} runs tested, ${stored} tested before\n`,
          );
        }
        const d = phaseDiagram(store, id, { x: o.x, y: o.y, metrics: o.metric });
        const { files, index } = writePhaseReport(d, out);
        if (o.json)
          printJson({
            sweep: d.sweep,
            x: { path: d.x.path, values: d.x.values },
            y: { path: d.y.path, values: d.y.values },
            maps: d.maps.map((m, k) => ({ ...m, file: files[k] })),
            index,
          });
        else process.stdout.write(`${index}\n`);
      } finally {
        store.close();
      }
    });
}

function checkStoreExists(path: string, command: string): string {
  if (!existsSync(path)) throw new InputError(`sweep ${command}: no run store at ${path}`);
  return path;
}

/**
 * The store at `path`, read-only (docs/sweeps.md §status): no write, no migration, works on a
 * read-only copy. A file that holds no store yet holds no sweep `id` either.
 */
function openSweepReader(path: string, id: string, command: string): RunReader {
  const reader = RunReader.openReadOnly(checkStoreExists(path, command));
  if (!reader) throw unknownSweep(id, path);
  return reader;
}

async function executorOf(o: SweepOptions): Promise<Executor> {
  if (o.workers !== undefined && o.queue !== undefined)
    throw new InputError("--workers sizes the local pool; with --queue, start `shocklens worker`s instead");
  if (o.queue === undefined) {
    const workers =
      o.workers === undefined ? availableParallelism() : parseNumber(o.workers, "--workers", { integer: true, min: 1 });
    return { kind: "local", workers };
  }
  const { queueExecutor } = await import("../sweep/queue.ts");
  return queueExecutor(o.queue);
}

async function runSweepCommand(o: SweepOptions): Promise<void> {
  if ((o.config === undefined) === (o.resume === undefined))
    throw new InputError("sweep: give --config SWEEP.yaml for a new sweep or --resume ID to continue one (not both)");
  const spec = o.config !== undefined ? loadSweepSpec(o.config) : undefined;
  const jobs = spec !== undefined ? expandSweep(spec, `sweep spec ${o.config}`) : [];
  const retries = o.retries === undefined ? 2 : parseNumber(o.retries, "--retries", { integer: true, min: 0 });
  const storePath = resolveStorePath(o.store);
  if (o.resume !== undefined && !existsSync(storePath)) throw new InputError(`--resume: no run store at ${storePath}`);
  const executor = await executorOf(o);
  const store = SqliteRunStore.open(storePath);
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(EXIT_INTERRUPTED);
    if (!o.quiet)
      process.stderr.write(
        `\nshocklens: ${sig}: starting no more jobs; running ones checkpoint (again to quit at once)\n`,
      );
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let progress: ReturnType<typeof sweepProgress> | undefined;
  try {
    const sweep =
      spec !== undefined ? createSweep(store, spec, jobs, executor) : store.sweeps().sweep(o.resume as string);
    const before = summarizeSweep(store, sweep.id);
    const where = executor.kind === "local" ? `${executor.workers} local processes` : `queue ${o.queue}`;
    if (!o.quiet)
      process.stderr.write(
        `shocklens: sweep ${sweep.id} (${sweep.name}) ${spec ? "created" : "resumed"}: ${before.jobs} jobs, ` +
          `${before.jobs - before.finished} to run, ${where}, store ${storePath}\n`,
      );
    progress = sweepProgress({
      sweepId: sweep.id,
      total: before.jobs,
      done: before.finished,
      failed: 0,
      quiet: o.quiet,
    });
    const s = await executeSweep(store, sweep.id, executor, {
      signal: abort.signal,
      retries,
      resume: spec === undefined,
      onEvent: progress.onEvent,
    });
    progress.stop();
    report(s, o, abort.signal.aborted);
  } finally {
    progress?.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    store.close();
  }
}

function report(s: SweepSummary, o: SweepOptions, interrupted: boolean): void {
  if (o.json) printJson(s);
  else
    process.stdout.write(
      `sweep     ${s.sweep} (${s.name}) ${s.status}\n` +
        `jobs      ${s.jobs}: ${s.finished} finished (${s.diverged} diverged), ${s.failed} failed, ${s.pending + s.running} not run\n` +
        `store     ${s.store}   (shocklens sweep status ${s.sweep} --store ${s.store})\n`,
    );
  const rest = s.pending + s.running;
  // With a queue, jobs keep running on the workers; their results wait in Redis for the resume.
  if (rest > 0 && !o.quiet)
    process.stderr.write(
      `shocklens: ${rest} job(s) not run${interrupted ? "" : " (budget.seconds spent)"}; ` +
        `continue with: shocklens sweep --resume ${s.sweep} --store ${s.store}${o.queue ? ` --queue ${o.queue}` : ""}\n`,
    );
  if (interrupted) process.exitCode = EXIT_INTERRUPTED;
  else if (s.failed > 0) {
    if (!o.quiet)
      process.stderr.write(
        `shocklens: ${s.failed} job(s) failed; see shocklens sweep status ${s.sweep} --store ${s.store}\n`,
      );
    process.exitCode = 1;
  }
}
