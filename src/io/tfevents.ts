/**
 * TensorBoard event files: TFRecord framing of `Event` protocol buffers.
 *
 * record = u64 length (LE) · masked crc32c(length bytes) · data · masked crc32c(data)
 * Event  = {1: wall_time double, 2: step int64, 3: file_version string, 5: summary Summary}
 * Summary = {1: repeated Value}, Value = {1: tag string, 2: simple_value float}
 *
 * The first record is Event{wall_time, step 0, file_version "brain.Event:2"}; then one Event per
 * scalar point. simple_value is float32, so values are rounded to single precision (NaN/±Inf kept).
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { maskedCrc32c } from "./crc32c.ts";
import { readFileChecked, writeStreamAtomic } from "./files.ts";
import {
  decodeMessage,
  fieldDouble,
  fieldFloat,
  fieldInt64,
  fieldMessage,
  fieldString,
  ProtoWriter,
} from "./protobuf.ts";

export interface TfScalar {
  wallTime: number;
  step: number;
  tag: string;
  value: number;
}

export const FILE_VERSION = "brain.Event:2";

/** Frames one record: length, its masked CRC, the data, the data's masked CRC. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).varint(2, 0).string(3, FILE_VERSION).finish();
}

export function encodeScalarEvent(p: TfScalar): Uint8Array {
  const value = new ProtoWriter().string(1, p.tag).float(2, p.value);
  const summary = new ProtoWriter().message(1, value);
  return new ProtoWriter().double(1, p.wallTime).varint(2, p.step).message(5, summary).finish();
}

/** TensorBoard's naming convention, which is how it finds event files in a log directory. */
export function tfEventsFileName(wallTime: number, host = hostname()): string {
  return `events.out.tfevents.${Math.floor(wallTime)}.${host}`;
}

export interface TfEventsWriteOptions {
  /** Wall time of the file_version record and the file name; default: now. */
  wallTime?: number;
  hostname?: string;
}

/**
 * Writes `scalars` as a new event file in `dir` (created if needed) and returns its path and the
 * number of scalars written. Streams in ~1 MiB chunks, so the input may be a lazy iterator; the
 * file appears atomically (temp file, fsync, rename). For TensorBoard, give steps in increasing
 * order per tag.
 */
export function writeTfEvents(
  dir: string,
  scalars: Iterable<TfScalar>,
  options: TfEventsWriteOptions = {},
): { path: string; count: number } {
  const wallTime = options.wallTime ?? Date.now() / 1000;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, tfEventsFileName(wallTime, options.hostname));
  const count = writeStreamAtomic(path, (emit) => {
    let n = 0;
    emit(encodeRecord(encodeFileVersionEvent(wallTime)));
    for (const p of scalars) {
      emit(encodeRecord(encodeScalarEvent(p)));
      n++;
    }
    return n;
  });
  return { path, count };
}

/** Splits a TFRecord byte stream into record payloads, checking both CRCs of every record. */
export function decodeRecords(data: Uint8Array, file = "tfrecord"): Uint8Array[] {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const records: Uint8Array[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (data.length - pos < 12) throw new InputError(`${file}: truncated record header at byte ${pos}`);
    const lengthBig = view.getBigUint64(pos, true);
    if (view.getUint32(pos + 8, true) !== maskedCrc32c(data.subarray(pos, pos + 8))) {
      throw new InputError(`${file}: length CRC mismatch in the record at byte ${pos} (corrupt file)`);
    }
    const available = data.length - pos - 16;
    if (lengthBig > BigInt(Math.max(available, 0)))
      throw new InputError(`${file}: truncated record at byte ${pos} (needs ${lengthBig} bytes)`);
    const length = Number(lengthBig);
    const body = data.subarray(pos + 12, pos + 12 + length);
    if (view.getUint32(pos + 12 + length, true) !== maskedCrc32c(body)) {
      throw new InputError(`${file}: data CRC mismatch in the record at byte ${pos} (corrupt file)`);
    }
    records.push(body);
    pos += 16 + length;
  }
  return records;
}

/** Reads every scalar (simple_value) of an event file; records without scalars are skipped. */
export function readTfEvents(path: string): TfScalar[] {
  const out: TfScalar[] = [];
  for (const record of decodeRecords(readFileChecked(path, "event file"), path)) {
    try {
      let wallTime = 0;
      let step = 0;
      const summaries: ReturnType<typeof fieldMessage>[] = [];
      for (const f of decodeMessage(record)) {
        if (f.field === 1) wallTime = fieldDouble(f);
        else if (f.field === 2) step = fieldInt64(f);
        else if (f.field === 5) summaries.push(fieldMessage(f));
      }
      for (const summary of summaries) {
        for (const v of summary.filter((f) => f.field === 1).map(fieldMessage)) {
          const tag = v.find((f) => f.field === 1);
          const simple = v.find((f) => f.field === 2);
          if (tag && simple) out.push({ wallTime, step, tag: fieldString(tag), value: fieldFloat(simple) });
        }
      }
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`${path}: bad Event record (${err.message})`);
      throw err;
    }
  }
  return out;
}
