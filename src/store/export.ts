/**
 * Exports of one run for other tools: CSV (pandas, spreadsheets), JSON Lines (scripts; carries the
 * run's config and events too), TensorBoard event files and Apache Parquet (parquet.ts). Every logged point is written, in the
 * order step, key, write order. CSV and JSONL are written to a temporary file and renamed, so a
 * failed export never leaves a half-written file under the requested name.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { InputError } from "../errors.ts";
import { writeTfEvents } from "../io/tfevents.ts";
import { writeParquetExport } from "./parquet.ts";
import { jsonNumber, toJson } from "./codec.ts";
import type { RunStore } from "./types.ts";

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
}

/**
 * Writes run `runId` (id or unique prefix) to `outPath`: a file for csv/jsonl/parquet, a directory for
 * tfevents (TensorBoard reads every event file in a directory, so export each run to its own).
 */
export function exportRun(
  store: RunStore,
  runId: string,
  format: ExportFormat,
  outPath: string,
  options: ExportOptions = {},
): ExportResult {
  if (!EXPORT_FORMATS.includes(format))
    throw new InputError(`--format: expected one of ${EXPORT_FORMATS.join(", ")}, got ${JSON.stringify(format)}`);
  const id = store.resolveRunId(runId);
  try {
    return writeExport(store, id, format, outPath, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code && OUTPUT_ERRNOS.has(code))
      throw new InputError(`cannot write the export to ${outPath}: ${(err as Error).message}`);
    throw err;
  }
}

/** File-system errors that mean the output path is unusable (bad input, not a crash). */
const OUTPUT_ERRNOS = new Set(["EACCES", "EPERM", "ENOENT", "ENOTDIR", "EISDIR", "EEXIST", "EROFS", "ENAMETOOLONG"]);

function writeExport(
  store: RunStore,
  id: string,
  format: ExportFormat,
  outPath: string,
  options: ExportOptions,
): ExportResult {
  if (format === "tfevents") {
    const points = (function* () {
      for (const p of store.iterScalars(id)) yield { wallTime: p.wallTime, step: p.step, tag: p.key, value: p.value };
    })();
    const { path, count } = writeTfEvents(outPath, points, options);
    return { run: id, format, path, scalars: count, events: 0 };
  }
  if (isDirectory(outPath))
    throw new InputError(`--out ${outPath} is a directory; a ${format} export is a single file`);
  if (format === "parquet") {
    mkdirSync(dirname(outPath), { recursive: true });
    return { run: id, format, path: outPath, scalars: writeParquetExport(store, id, outPath), events: 0 };
  }
  return writeAtomically(outPath, (emit) => {
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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Runs `body` with an `emit(text)` that buffers ~1 MiB at a time into `path`.tmp, then renames it into place. */
function writeAtomically<T>(path: string, body: (emit: (text: string) => void) => T): T {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  let ok = false;
  try {
    let chunk = "";
    const result = body((text) => {
      chunk += text;
      if (chunk.length >= 1 << 20) {
        writeSync(fd, chunk);
        chunk = "";
      }
    });
    if (chunk) writeSync(fd, chunk);
    ok = true;
    return result;
  } finally {
    closeSync(fd);
    if (ok) renameSync(tmp, path);
    else rmSync(tmp, { force: true });
  }
}
