/**
 * NumPy .npy codec (format versions 1.0, 2.0 and 3.0). Layout: magic "\x93NUMPY", major and minor
 * version bytes, a little-endian header length (u16 for 1.0, u32 otherwise), a Python dict literal
 * {'descr': ..., 'fortran_order': ..., 'shape': (...)} padded with spaces and ended by '\n', then
 * the raw array data.
 */
import { InputError } from "../errors.ts";
import { readFileChecked, writeFileAtomic } from "./files.ts";
import {
  bytesToData,
  checkNDArray,
  dataToBytes,
  HOST_LITTLE_ENDIAN,
  numel,
  type DType,
  type NDArray,
  type TypedData,
} from "./ndarray.ts";
import { parsePyLiteral, type PyValue } from "./pyliteral.ts";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

// Only object and structured dtypes need long headers, and both are rejected anyway.
const MAX_HEADER_BYTES = 1 << 20;

const DESCR_TO_DTYPE: Record<string, DType> = {
  f8: "F64",
  f4: "F32",
  f2: "F16",
  i8: "I64",
  i4: "I32",
  i2: "I16",
  i1: "I8",
  u1: "U8",
  b1: "BOOL",
};
const DTYPE_TO_DESCR: Partial<Record<DType, string>> = {
  F64: "<f8",
  F32: "<f4",
  F16: "<f2",
  I64: "<i8",
  I32: "<i4",
  I16: "<i2",
  I8: "|i1",
  U8: "|u1",
  BOOL: "|b1",
};

// Unsigned types without a signed dtype of the same width are widened: u2 -> I32, u4 -> I64,
// u8 -> I64 (only when every value fits).
const WIDENED: Record<string, DType> = { u2: "I32", u4: "I64", u8: "I64" };

interface Descr {
  text: string;
  dtype: DType;
  itemSize: number;
  littleEndian: boolean;
  widenFrom?: string;
}

function parseDescr(descr: PyValue, fail: (msg: string) => never): Descr {
  if (Array.isArray(descr)) fail("structured dtypes are not supported");
  if (typeof descr !== "string") fail("'descr' is not a string");
  const m = /^([<>|=])([a-zA-Z])(\d+)$/.exec(descr);
  if (descr === "|O" || descr === "O" || m?.[2] === "O")
    fail(`object dtype ${descr} is not supported (it would need pickle)`);
  if (!m) fail(`unsupported dtype '${descr}'`);
  const code = `${m[2]}${m[3]}`;
  const dtype = DESCR_TO_DTYPE[code] ?? WIDENED[code];
  if (!dtype) fail(`unsupported dtype '${descr}'`);
  // '|' (not applicable) and '=' (native) both mean host order; numpy only writes them for 1-byte types.
  const littleEndian = m[1] === ">" ? false : m[1] === "<" ? true : HOST_LITTLE_ENDIAN;
  return { text: descr, dtype, itemSize: Number(m[3]), littleEndian, widenFrom: WIDENED[code] ? code : undefined };
}

function widen(d: Descr, raw: Uint8Array, n: number, fail: (msg: string) => never): TypedData {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (d.widenFrom === "u2") {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getUint16(2 * i, d.littleEndian);
    return out;
  }
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    if (d.widenFrom === "u4") {
      out[i] = BigInt(view.getUint32(4 * i, d.littleEndian));
    } else {
      const v = view.getBigUint64(8 * i, d.littleEndian);
      if (v >= 2n ** 63n) fail(`uint64 value ${v} at flat index ${i} does not fit in I64`);
      out[i] = v;
    }
  }
  return out;
}

/** Reorders column-major data into row-major order. */
function fortranToC(src: TypedData, shape: readonly number[]): TypedData {
  const n = src.length;
  const Ctor = src.constructor as new (length: number) => TypedData;
  const out = new Ctor(n);
  const rank = shape.length;
  const fStride: number[] = [];
  for (let k = 0, s = 1; k < rank; k++) {
    fStride.push(s);
    s *= shape[k];
  }
  const idx = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    (out as Float64Array)[c] = (src as Float64Array)[f];
    // Increment the C-order multi-index (last axis fastest) and track the Fortran offset.
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) {
        f += fStride[k];
        break;
      }
      f -= (shape[k] - 1) * fStride[k];
      idx[k] = 0;
    }
  }
  return out;
}

function parseHeader(text: string, fail: (msg: string) => never): { descr: Descr; shape: number[]; fortran: boolean } {
  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (err) {
    fail(`header is not a valid Python literal (${(err as Error).message})`);
  }
  if (!(dict instanceof Map)) fail("header is not a dict");
  const keys = [...dict.keys()].sort().join(",");
  if (keys !== "descr,fortran_order,shape") fail(`header keys are {${keys}}, expected {descr, fortran_order, shape}`);
  const shape = dict.get("shape");
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
    fail("'shape' is not a tuple of non-negative integers");
  }
  const fortran = dict.get("fortran_order");
  if (typeof fortran !== "boolean") fail("'fortran_order' is not True or False");
  return { descr: parseDescr(dict.get("descr")!, fail), shape: shape as number[], fortran };
}

/**
 * Decodes a .npy byte image into a C-order NDArray (big-endian data is byte-swapped, Fortran
 * order is transposed). Malformed input throws an InputError naming `fileName`.
 */
export function decodeNpy(bytes: Uint8Array, fileName = "<buffer>"): NDArray {
  const fail: (msg: string) => never = (msg) => {
    throw new InputError(`corrupt npy file ${fileName}: ${msg}`);
  };
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) fail("missing \\x93NUMPY magic");
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) fail(`unsupported format version ${major}.${minor}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) fail(`${bytes.length} bytes is too short for the header length`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLen > MAX_HEADER_BYTES) fail(`header length ${headerLen} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  if (prefix + headerLen > bytes.length)
    fail(`header length ${headerLen} runs past the end of the ${bytes.length}-byte file`);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(
      bytes.subarray(prefix, prefix + headerLen),
    );
  } catch {
    fail("header is not valid UTF-8");
  }
  const { descr, shape, fortran } = parseHeader(text, fail);
  let n: number;
  try {
    n = numel(shape);
  } catch {
    fail(`shape (${shape.join(", ")}) has too many elements`);
  }
  const dataStart = prefix + headerLen;
  const have = bytes.length - dataStart;
  const need = n * descr.itemSize;
  if (have < need)
    fail(`truncated data: ${have} bytes but shape (${shape.join(", ")}) of '${descr.text}' needs ${need}`);
  if (have > need) fail(`${have - need} trailing bytes after the data`);
  const raw = bytes.subarray(dataStart);
  let data = descr.widenFrom ? widen(descr, raw, n, fail) : bytesToData(descr.dtype, raw, descr.littleEndian);
  if (fortran && shape.length > 1) data = fortranToC(data, shape);
  return { dtype: descr.dtype, shape, data };
}

function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * Encodes an NDArray as .npy: version 1.0 (2.0 when the header exceeds 65535 bytes), C order,
 * little-endian, data starting at a multiple of 64 bytes. BF16 has no NumPy dtype: InputError.
 */
export function encodeNpy(arr: NDArray): Uint8Array {
  checkNDArray(arr, "npy array");
  const descr = DTYPE_TO_DESCR[arr.dtype];
  if (!descr) throw new InputError(`npy array: dtype ${arr.dtype} has no NumPy equivalent; convert it first`);
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(arr.shape)}, }`;
  let version = 1;
  let prefix = 10;
  let headerLen = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  if (headerLen > 0xffff) {
    version = 2;
    prefix = 12;
    headerLen = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix;
  }
  const data = dataToBytes(arr.data);
  const out = new Uint8Array(prefix + headerLen + data.length);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  const header = dict.padEnd(headerLen - 1, " ") + "\n";
  // The header is pure ASCII, so one char is one byte.
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, prefix + headerLen);
  return out;
}

/** Reads and decodes a .npy file. */
export function readNpy(path: string): NDArray {
  return decodeNpy(readFileChecked(path, "npy file"), path);
}

/** Encodes and atomically writes a .npy file. */
export function writeNpy(path: string, arr: NDArray): void {
  writeFileAtomic(path, encodeNpy(arr));
}
