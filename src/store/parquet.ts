/**
 * Apache Parquet export of a run's scalars (pandas/polars/DuckDB/Spark read it directly): one row
 * per logged point with columns run, key, step (INT64), wall_time and value (DOUBLE — IEEE NaN and
 * ±Inf are stored as such, so nothing needs the CSV spellings). The run's metadata (config, params,
 * tags) travels in the file's key-value metadata under `shocklens.run`.
 */
import { parquetWriteBuffer } from "hyparquet-writer";
import { writeFileAtomic } from "../io/files.ts";
import { toJson } from "./codec.ts";
import type { RunStoreReader } from "./types.ts";
import { VERSION } from "../version.ts";

/** Writes every scalar of run `id` to `path` (atomically); returns the number of rows. */
export function writeParquetExport(store: RunStoreReader, id: string, path: string): number {
  const keys: string[] = [];
  const steps: bigint[] = [];
  const wall: number[] = [];
  const values: number[] = [];
  for (const p of store.iterScalars(id)) {
    keys.push(p.key);
    steps.push(BigInt(p.step));
    wall.push(p.wallTime);
    values.push(p.value);
  }
  const { lastScalars: _last, ...meta } = store.getRun(id);
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: "run", data: keys.map(() => id), type: "STRING", nullable: false },
      { name: "key", data: keys, type: "STRING", nullable: false },
      { name: "step", data: steps, type: "INT64", nullable: false },
      { name: "wall_time", data: wall, type: "DOUBLE", nullable: false },
      { name: "value", data: values, type: "DOUBLE", nullable: false },
    ],
    kvMetadata: [{ key: "shocklens.run", value: toJson(meta) }],
    createdBy: `shocklens ${VERSION}`,
  });
  writeFileAtomic(path, new Uint8Array(buffer));
  return keys.length;
}
