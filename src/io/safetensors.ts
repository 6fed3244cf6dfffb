/**
 * safetensors codec. Layout: u64 little-endian header length N, N bytes of UTF-8 JSON mapping
 * tensor names to {dtype, shape, data_offsets} (plus optional "__metadata__": {string: string}),
 * then the byte buffer, which the tensors must cover exactly, without gaps or overlaps.
 */
import fs from "node:fs";
import { InputError } from "../errors.ts";
import { readFileChecked, writeFileAtomic } from "./files.ts";
import { sniffTensorFile, torchFileError } from "./sniff.ts";
import {
  bytesToData,
  checkNDArray,
  dataToBytes,
  dtypeSize,
  isDType,
  namedEntries,
  numel,
  type DType,
  type NamedArrays,
  type NDArray,
} from "./ndarray.ts";

/** Largest header accepted, as in the reference implementation. */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";

/** Result of {@link decodeSafetensors}. Tensors are in buffer order. */
export interface SafetensorsFile {
  tensors: Map<string, NDArray>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parseEntry(name: string, raw: unknown, bufferLength: number, fail: (msg: string) => never): Entry {
  const what = `tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(raw)) fail(`${what} is not an object`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (!isDType(dtype)) fail(`${what} has unsupported dtype ${JSON.stringify(dtype) ?? "undefined"}`);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    fail(`${what} shape ${JSON.stringify(shape) ?? "undefined"} is not an array of non-negative integers`);
  }
  let count: number;
  try {
    count = numel(shape);
  } catch {
    fail(`${what} shape [${shape.join(", ")}] has too many elements`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    fail(`${what} data_offsets ${JSON.stringify(offsets) ?? "undefined"} is not two non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end || end > bufferLength) {
    fail(`${what} data_offsets [${begin}, ${end}] outside the ${bufferLength}-byte data buffer`);
  }
  const need = count * dtypeSize(dtype);
  if (need !== end - begin) {
    fail(
      `${what} data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} [${shape.join(", ")}] needs ${need}`,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

function parseMetadata(raw: unknown, fail: (msg: string) => never): Record<string, string> {
  if (!isPlainObject(raw)) fail(`${METADATA_KEY} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string") fail(`${METADATA_KEY} value for ${JSON.stringify(k)} is not a string`);
    // defineProperty so a "__proto__" key stays data instead of replacing the prototype.
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Decodes a safetensors byte image. Every structural problem (bad lengths, JSON, dtypes, shapes,
 * offsets, overlaps, holes, trailing bytes, non-string metadata) throws an InputError naming
 * `fileName` and the tensor. Tensor data is copied into fresh, aligned typed arrays.
 */
export function decodeSafetensors(bytes: Uint8Array, fileName = "<buffer>"): SafetensorsFile {
  const fail: (msg: string) => never = (msg) => {
    throw new InputError(`corrupt safetensors file ${fileName}: ${msg}`);
  };
  const kind = sniffTensorFile(bytes, fileName);
  if (kind === "torch-zip" || kind === "torch-pickle") throw torchFileError(fileName, kind, "file", "tensors");
  if (kind === "npy" || kind === "npz")
    fail(`it is a NumPy .${kind} file (read it as ${kind}, or save the arrays with safetensors)`);
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen64 = view.getBigUint64(0, true);
  if (headerLen64 === 0n) fail("header length is 0");
  if (headerLen64 > BigInt(MAX_HEADER_BYTES))
    fail(`header length ${headerLen64} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const headerLen = Number(headerLen64);
  if (headerLen > bytes.length - 8) {
    fail(`header length ${headerLen} exceeds the ${bytes.length - 8} bytes after the length field`);
  }
  let header: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    header = JSON.parse(text);
  } catch (err) {
    fail(`header is not valid UTF-8 JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isPlainObject(header)) fail("header is not a JSON object");

  const dataStart = 8 + headerLen;
  const bufferLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === METADATA_KEY) metadata = parseMetadata(raw, fail);
    else entries.push(parseEntry(name, raw, bufferLength, fail));
  }

  // Sorting by (begin, end) puts empty tensors before a tensor starting at the same offset, so
  // contiguity reduces to "each range starts where the previous one ended".
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | undefined;
  for (const e of entries) {
    if (e.begin < pos) {
      fail(
        `tensor ${JSON.stringify(e.name)} data_offsets [${e.begin}, ${e.end}] ` +
          `overlap tensor ${JSON.stringify(prev!.name)} [${prev!.begin}, ${prev!.end}]`,
      );
    }
    if (e.begin > pos) fail(`data buffer has a hole: bytes [${pos}, ${e.begin}) belong to no tensor`);
    pos = e.end;
    prev = e;
  }
  if (pos !== bufferLength) fail(`${bufferLength - pos} trailing bytes after the last tensor`);

  const tensors = new Map<string, NDArray>();
  for (const e of entries) {
    const data = bytesToData(e.dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end));
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

/**
 * Encodes tensors (in insertion order, contiguous, no padding between them) and optional string
 * metadata. The JSON header is padded with spaces to a multiple of 8 bytes so the buffer starts
 * 8-byte aligned. Invalid arrays or metadata throw InputError.
 */
export function encodeSafetensors(tensors: NamedArrays, metadata?: Record<string, string>): Uint8Array {
  // The header is assembled by hand because JSON.stringify of an object would move
  // integer-like tensor names ("0", "1") ahead of the others and lose insertion order.
  const parts: string[] = [];
  if (metadata !== undefined) {
    const fail: (msg: string) => never = (msg) => {
      throw new InputError(`safetensors metadata: ${msg}`);
    };
    const meta = parseMetadata(metadata, fail);
    if (Object.keys(meta).length > 0) parts.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(meta)}`);
  }
  const items = namedEntries(tensors);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, arr] of items) {
    if (name === METADATA_KEY) throw new InputError(`safetensors: tensor name ${METADATA_KEY} is reserved`);
    checkNDArray(arr, `safetensors tensor ${JSON.stringify(name)}`);
    const chunk = dataToBytes(arr.data);
    const info = { dtype: arr.dtype, shape: arr.shape, data_offsets: [offset, offset + chunk.length] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    chunks.push(chunk);
    offset += chunk.length;
  }
  let header = new TextEncoder().encode(`{${parts.join(",")}}`);
  const padded = Math.ceil(header.length / 8) * 8;
  if (padded !== header.length) {
    const h = new Uint8Array(padded).fill(0x20);
    h.set(header);
    header = h;
  }
  if (padded > MAX_HEADER_BYTES)
    throw new InputError(`safetensors: header of ${padded} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(header, 8);
  let pos = 8 + padded;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/** Reads and decodes a safetensors file (InputError for missing, unreadable or corrupt files). */
export function readSafetensors(path: string): SafetensorsFile {
  return decodeSafetensors(readFileChecked(path, "safetensors file"), path);
}

/** Encodes and atomically writes a safetensors file. */
export function writeSafetensors(path: string, tensors: NamedArrays, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

/**
 * The `__metadata__` of a safetensors file, reading only its header (a checkpoint's or weights
 * file's step without loading the tensors). InputError for a missing or malformed file.
 */
export function readSafetensorsMetadata(path: string): Record<string, string> {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch {
    throw new InputError(`safetensors file ${path} cannot be opened`);
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new InputError(`safetensors file ${path} is not a regular file`);
    const head = Buffer.alloc(8);
    if (fs.readSync(fd, head, 0, 8, 0) !== 8) throw new InputError(`corrupt safetensors file ${path}: too short`);
    const n = head.readBigUInt64LE(0);
    if (n === 0n || n > BigInt(MAX_HEADER_BYTES))
      throw new InputError(`corrupt safetensors file ${path}: header length ${n}`);
    const header = Buffer.alloc(Number(n));
    if (fs.readSync(fd, header, 0, header.length, 8) !== header.length)
      throw new InputError(`corrupt safetensors file ${path}: header cut short`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(header.toString("utf8"));
    } catch {
      throw new InputError(`corrupt safetensors file ${path}: header is not JSON`);
    }
    const meta = isPlainObject(parsed) ? parsed[METADATA_KEY] : undefined;
    return meta === undefined
      ? {}
      : parseMetadata(meta, (msg) => {
          throw new InputError(`corrupt safetensors file ${path}: ${msg}`);
        });
  } finally {
    fs.closeSync(fd);
  }
}
