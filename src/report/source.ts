/**
 * Reading a run for a report or the dashboard through the store's reader, on a read-only SQLite
 * connection: looking never writes, locks or migrates the store a training run is writing to.
 */
import { existsSync } from "node:fs";
import type Database from "better-sqlite3";
import { InputError } from "../errors.ts";
import { connectReadOnly } from "../store/connect.ts";
import { RunReader } from "../store/reader.ts";
import { decodeScalar } from "../store/codec.ts";
import type { Artifact, RunDetail, RunEvent } from "../store/types.ts";
import type { SeriesData } from "./series.ts";

/** The store's read API on a read-only connection. */
export class ReadOnlyStore extends RunReader {
  private constructor(db: Database.Database, path: string) {
    super(db, path);
  }

  /**
   * Opens an existing store read-only (docs/store.md §readers: no writes, a short busy timeout,
   * read-only media); InputError when the file is missing, empty, damaged or not a run store.
   */
  static open(path: string): ReadOnlyStore {
    if (!existsSync(path)) throw new InputError(`no store at ${path} (train a run first, or pass --store FILE)`);
    const db = connectReadOnly(path);
    if (!db) throw new InputError(`no store at ${path} yet: the file holds no runs (train a run first)`);
    return new ReadOnlyStore(db, path);
  }

  /**
   * The points of one series after `sinceStep`, as columns appended through `push` — the reader's
   * query without a row object per point (10⁶ points: ~1 s instead of ~5 s), for the dashboard.
   */
  eachPoint(id: string, key: string, sinceStep: number, push: (step: number, value: number) => void): void {
    // keyset pages of PAGE rows: one native call per page instead of one per row; a page ends
    // only between steps, so points logged twice at one step stay together
    const stmt = this.db
      .prepare(
        "SELECT step, value, nonfinite FROM scalars WHERE run_id = ? AND key = ? AND step > ? AND step <= ? ORDER BY step, rowid",
      )
      .raw(true);
    const next = this.db
      .prepare("SELECT step FROM scalars WHERE run_id = ? AND key = ? AND step > ? ORDER BY step LIMIT 1 OFFSET ?")
      .pluck();
    let from = sinceStep;
    for (;;) {
      const upTo = (next.get(id, key, from, PAGE - 1) as number | undefined) ?? Infinity;
      const rows = stmt.all(id, key, from, upTo) as [number, number | null, number][];
      for (const [step, value, flag] of rows) push(step, flag === 0 ? (value as number) : decodeScalar(value, flag));
      if (upTo === Infinity || rows.length === 0) return;
      from = upTo;
    }
  }
}

/** Rows per page of `eachPoint`. */
const PAGE = 65_536;

export interface RunData {
  detail: RunDetail;
  /** Every logged point of every scalar key, steps ascending. */
  series: Map<string, SeriesData>;
  events: RunEvent[];
  artifacts: Artifact[];
}

/** Every scalar series of a run as typed arrays (one pass over the points). */
export function readSeries(reader: RunReader, id: string, key?: string): Map<string, SeriesData> {
  const xs = new Map<string, number[]>();
  const ys = new Map<string, number[]>();
  for (const p of reader.iterScalars(id, key)) {
    let x = xs.get(p.key);
    if (!x) {
      x = [];
      xs.set(p.key, x);
      ys.set(p.key, []);
    }
    x.push(p.step);
    ys.get(p.key)!.push(p.value);
  }
  const out = new Map<string, SeriesData>();
  for (const [k, x] of xs) out.set(k, { x: Float64Array.from(x), y: Float64Array.from(ys.get(k)!) });
  return out;
}

export function readRun(reader: RunReader, ref: string): RunData {
  const id = reader.resolveRunId(ref);
  return {
    detail: reader.getRun(id),
    series: readSeries(reader, id),
    events: reader.events(id),
    artifacts: reader.artifacts(id),
  };
}

/**
 * The file of a run's final weights (its last `weights` artifact), or null when there is none or
 * it is gone. The reader gives artifact paths absolute, from any working directory
 * (docs/store.md §artifacts).
 */
export function finalWeightsPath(artifacts: readonly Artifact[]): string | null {
  const weights = [...artifacts].reverse().find((a) => a.kind === "weights");
  return weights && existsSync(weights.path) ? weights.path : null;
}
