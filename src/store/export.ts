/**
 * Exports of one run for other tools: CSV (pandas, spreadsheets), JSON Lines (scripts; carries the
 * run's config and events too), TensorBoard event files and Apache Parquet (parquet.ts). Every
 * logged point is written, in the order step, key, write order. The output goes through the
 * output guard (never the store, its side files or run folders; an existing file only with
 * `force`) and is written to a temporary file and renamed, so a failed or killed export never
 * leaves a half-written file under the requested name.
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { InputError } from "../errors.ts";
import { type Emit, writeStreamAtomic } from "../io/files.ts";
import { checkOutput } from "../io/output.ts";
import { tfEventsFileName, writeTfEvents } from "../io/tfevents.ts";
import { writeParquetExport } from "./parquet.ts";
import { jsonNumber, toJson } from "./codec.ts";
import type { RunStoreReader } from "./types.ts";

export const EXPORT_FORMATS = ["csv", "jsonl", "tfevents", "parquet"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportResult {
  run: string;
  format: ExportFormat;
  /** The file written (csv, jsonl, parquet) or the event file inside the output directory (tfevents). */
  path: string;
  scalars: number;
  events: number;
}

export interface ExportOptions {
  /** tfevents only: wall time in the file name / version record, and host name in the file name. */
  wallTime?: number;
  hostname?: string;
  /** Replace an existing output file (never the store or one of its files). */
  force?: boolean;
}

/**
 * Writes run `runId` (id or unique prefix) to `outPath`: a file for csv/jsonl/parquet, a directory for
 * tfevents (TensorBoard reads every event file in a directory, so export each run to its own).
 */
/** The TensorBoard event files (`events.out.tfevents.*`) in `dir`, if it exists. */
function existingEventFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith("events.out.tfevents.")) : [];
}

export function exportRun(
  store: RunStoreReader,
  runId: string,
  format: ExportFormat,
  outPath: string,
  options: ExportOptions = {},
): ExportResult {
  if (!EXPORT_FORMATS.includes(format))
    throw new InputError(`--format: expected one of ${EXPORT_FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
  const id = store.resolveRunId(runId);
  const guard = { store: store.path, force: options.force };
  const out = { path: outPath, what: "--out" };
  if (format === "tfevents") {
    checkOutput(out, guard, "directory");
    const wallTime = options.wallTime ?? Date.now() / 1000;
    const host = options.hostname ?? hostname();
    checkOutput({ path: join(outPath, tfEventsFileName(wallTime, host)), what: "--out" }, guard);
    // TensorBoard reads every event file of a folder: an earlier export left there would show every
    // series twice, so it is refused, or with --force replaced once the new file is written.
    const earlier = existingEventFiles(outPath);
    const more = earlier.length > 1 ? ` (and ${earlier.length - 1} more)` : "";
    if (earlier.length > 0 && !options.force)
      throw new InputError(
        `--out ${outPath} already holds TensorBoard event file ${earlier[0]}${more}; ` +
          "TensorBoard would show every series twice: give an empty folder, or --force to replace them",
      );
    const points = (function* () {
      for (const p of store.iterScalars(id)) yield { wallTime: p.wallTime, step: p.step, tag: p.key, value: p.value };
    })();
    const { path, count } = writeTfEvents(outPath, points, { wallTime, hostname: host });
    for (const name of earlier) if (join(outPath, name) !== path) rmSync(join(outPath, name), { force: true });
    return { run: id, format, path, scalars: count, events: 0 };
  }
  checkOutput(out, guard);
  mkdirSync(dirname(outPath), { recursive: true });
  if (format === "parquet")
    return { run: id, format, path: outPath, scalars: writeParquetExport(store, id, outPath), events: 0 };
  return writeStreamAtomic(outPath, (emit: Emit) => {
    let scalars = 0;
    let events = 0;
    if (format === "csv") {
      emit("run,key,step,wall_time,value\n");
      for (const p of store.iterScalars(id)) {
        emit(`${csvField(id)},${csvField(p.key)},${p.step},${p.wallTime},${csvNumber(p.value)}\n`);
        scalars++;
      }
    } else {
      const run = store.getRun(id);
      const { lastScalars: _last, ...meta } = run;
      emit(toJson({ type: "run", ...meta }) + "\n");
      const runJson = JSON.stringify(id);
      for (const p of store.iterScalars(id)) {
        emit(
          `{"type":"scalar","run":${runJson},"key":${JSON.stringify(p.key)},"step":${p.step},` +
            `"wall_time":${p.wallTime},"value":${jsonNumber(p.value)}}\n`,
        );
        scalars++;
      }
      for (const e of store.events(id)) {
        emit(
          toJson({ type: "event", run: id, step: e.step, wall_time: e.wallTime, kind: e.kind, payload: e.payload }) +
            "\n",
        );
        events++;
      }
    }
    return { run: id, format, path: outPath, scalars, events };
  });
}

/** CSV spelling of a value: numpy/pandas read `nan`, `inf`, `-inf`; "-0" keeps the sign of zero. */
export function csvNumber(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  return Object.is(v, -0) ? "-0" : String(v);
}

/** RFC 4180 quoting, only where needed. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
