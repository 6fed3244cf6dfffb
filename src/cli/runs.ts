/**
 * `shocklens runs list | show ID | export ID`: read the run store. The store is `--store`, else
 * $SHOCKLENS_STORE, else ./shocklens.db. A run is named by its id, a unique prefix of it, its name (the
 * newest run of that name) or `latest` (store/reader.ts resolveRunId). The
 * store is opened read-only (works on read-only media, never waits long on a writer) and an
 * export never overwrites the store, its files or an existing file without --force.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { InputError } from "../errors.ts";
import { toJson } from "../store/codec.ts";
import { exportRun, EXPORT_FORMATS, type ExportFormat } from "../store/export.ts";
import { formatRunDetail, formatRunList } from "../store/format.ts";
import { resolveStorePath } from "../store/paths.ts";
import { RUN_STATUSES, type RunStatus } from "../store/types.ts";
import { withStore } from "./store.ts";

interface StoreOpts {
  store?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const runs = program.command("runs").description("list, show and export the runs in the run store");

  runs
    .command("list")
    .description("list runs, newest first")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .addOption(
      new Option("--status <status>", `only runs with this status: ${RUN_STATUSES.join(", ")} (any case)`).argParser(
        parseStatus,
      ),
    )
    .option("--experiment <name>", "only runs of this experiment")
    .option("--limit <n>", "at most n runs", parsePositiveInt)
    .option("--json", "print one JSON object {store, runs}")
    .action((opts: StoreOpts & { status?: RunStatus; experiment?: string; limit?: number }) => {
      const path = resolveStorePath(opts.store);
      // A RUNNING run whose process is gone carries `stale` (why), shown as STALE.
      const found =
        withStore(path, (s) =>
          s.listRuns({ status: opts.status, experiment: opts.experiment, limit: opts.limit }).map((r) => {
            const stale = s.stale(r.id);
            return stale === null ? r : { ...r, stale };
          }),
        ) ?? [];
      print(opts, { store: path, runs: found }, () => formatRunList(found, { color: useColor() }));
    });

  runs
    .command("show")
    .description("config, status, times, tags, params, last scalar values, events and artifacts of a run")
    .argument("<run>", "run id, a unique prefix of it, a run name (its newest run) or latest")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--json", "print one JSON object {store, run, events, artifacts, owner}")
    .action((ref: string, opts: StoreOpts) => {
      const path = resolveStorePath(opts.store);
      const shown = withStore(path, (s) => ({
        run: withStale(s.getRun(ref), s.stale(ref)),
        events: s.events(ref),
        artifacts: s.artifacts(ref),
        owner: s.owner(ref),
      }));
      if (!shown) throw noRun(ref, path);
      print(opts, { store: path, ...shown }, () =>
        formatRunDetail(shown.run, shown.events, shown.artifacts, { color: useColor() }),
      );
    });

  runs
    .command("export")
    .description(
      "write a run's scalars (and, for jsonl, its config and events) as csv, jsonl, parquet or a TensorBoard event file",
    )
    .argument("<run>", "run id, a unique prefix of it, a run name (its newest run) or latest")
    .addOption(new Option("--format <format>", "output format").choices(EXPORT_FORMATS).makeOptionMandatory())
    .requiredOption("--out <path>", "output file (csv, jsonl, parquet) or directory (tfevents)")
    .option("--store <file>", "run store (default: $SHOCKLENS_STORE or ./shocklens.db)")
    .option("--force", "overwrite --out if it exists (never the store or its files)")
    .option("--json", "print one JSON object {store, run, format, path, scalars, events}")
    .action((ref: string, opts: StoreOpts & { format: ExportFormat; out: string; force?: boolean }) => {
      const path = resolveStorePath(opts.store);
      const result = withStore(path, (s) => exportRun(s, ref, opts.format, opts.out, { force: opts.force }));
      if (!result) throw noRun(ref, path);
      print(
        opts,
        { store: path, ...result },
        () =>
          `exported ${result.scalars} scalars${opts.format === "jsonl" ? ` and ${result.events} events` : ""} ` +
          `of run ${result.run} to ${result.path}`,
      );
    });
}

function noRun(ref: string, path: string): InputError {
  return new InputError(`no run "${ref}" in store ${path}`);
}

/** `--json`: exactly one JSON object on stdout (NaN/±Inf as strings); otherwise the human rendering. */
function print(opts: StoreOpts, result: object, human: () => string): void {
  process.stdout.write((opts.json ? toJson(result) : human()) + "\n");
}

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (no-color.org). */
function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

function withStale<T extends object>(run: T, stale: string | null): T & { stale?: string } {
  return stale === null ? run : { ...run, stale };
}

/** `--status finished` as well as `FINISHED`. */
function parseStatus(text: string): RunStatus {
  const status = text.trim().toUpperCase() as RunStatus;
  if (!RUN_STATUSES.includes(status))
    throw new InvalidArgumentError(`expected one of ${RUN_STATUSES.join(", ")} (any case), got "${text}"`);
  return status;
}

function parsePositiveInt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a positive integer, got "${text}"`);
  return n;
}
