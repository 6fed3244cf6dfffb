/**
 * The in-memory n-dimensional array shared by the safetensors, .npy and .npz codecs, plus the
 * conversions between typed data and little-endian bytes that all three formats use.
 */
import { InputError } from "../errors.ts";

/** Element types, named as in safetensors. F16/BF16 are kept as raw bit patterns. */
export type DType = "F64" | "F32" | "F16" | "BF16" | "I64" | "I32" | "I16" | "I8" | "U8" | "BOOL";

/** Storage of an {@link NDArray}; the concrete class is fixed by the dtype (see {@link typedArrayFor}). */
export type TypedData =
  Float64Array | Float32Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array;

/** A dense row-major (C order) array. `data.length` equals `numel(shape)`. */
export interface NDArray {
  dtype: DType;
  shape: number[];
  data: TypedData;
}

/** Named arrays as accepted by the writers; a Map keeps any insertion order, a Record lists integer-like keys first. */
export type NamedArrays = Map<string, NDArray> | Record<string, NDArray>;

/** The [name, array] pairs of `arrays` in iteration order. */
export function namedEntries(arrays: NamedArrays): [string, NDArray][] {
  return arrays instanceof Map ? [...arrays.entries()] : Object.entries(arrays);
}

type TypedCtor = { new (buffer: ArrayBuffer): TypedData; new (length: number): TypedData; BYTES_PER_ELEMENT: number };

const CTORS: Record<DType, TypedCtor> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  I32: Int32Array,
  I16: Int16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

/** All supported dtypes, in a stable order. */
export const DTYPES: readonly DType[] = Object.keys(CTORS) as DType[];

/** True when `s` names a supported dtype. */
export function isDType(s: unknown): s is DType {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(CTORS, s);
}

/** Bytes per element of `dtype`. */
export function dtypeSize(dtype: DType): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

/** The typed-array class that stores `dtype`. */
export function typedArrayFor(dtype: DType): TypedCtor {
  return CTORS[dtype];
}

/**
 * Number of elements of `shape` (1 for the 0-d shape `[]`). Throws InputError when a dimension is
 * not a non-negative safe integer or the product leaves the safe-integer range; `where` prefixes
 * the message.
 */
export function numel(shape: readonly number[], where = "shape"): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new InputError(`${where}: dimension ${String(d)} in [${shape.join(", ")}] is not a non-negative integer`);
    }
    n *= d;
  }
  // Checked after the loop so a zero dimension anywhere legitimately gives 0.
  if (!Number.isSafeInteger(n)) throw new InputError(`${where}: shape [${shape.join(", ")}] has too many elements`);
  return n;
}

/** Throws InputError unless `arr` is a consistent NDArray (dtype, shape, storage class and length). */
export function checkNDArray(arr: NDArray, where: string): void {
  if (arr === null || typeof arr !== "object") throw new InputError(`${where}: not an NDArray`);
  if (!isDType(arr.dtype)) throw new InputError(`${where}: unsupported dtype ${JSON.stringify(arr.dtype)}`);
  if (!Array.isArray(arr.shape)) throw new InputError(`${where}: shape is not an array`);
  const n = numel(arr.shape, where);
  if (!(arr.data instanceof CTORS[arr.dtype])) {
    throw new InputError(`${where}: ${arr.dtype} data must be a ${CTORS[arr.dtype].name}`);
  }
  if (arr.data.length !== n) {
    throw new InputError(
      `${where}: data has ${arr.data.length} elements but shape [${arr.shape.join(", ")}] needs ${n}`,
    );
  }
}

/** Byte order of typed arrays on this machine. */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swapInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i < bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = t;
    }
  }
}

/**
 * Copies `bytes` (any alignment, length a multiple of the item size) into a freshly allocated
 * typed array of `dtype`, byte-swapping when the source order differs from the host's.
 */
export function bytesToData(dtype: DType, bytes: Uint8Array, littleEndian = true): TypedData {
  const size = dtypeSize(dtype);
  if (bytes.length % size !== 0) throw new Error(`bytesToData: ${bytes.length} bytes is not a multiple of ${size}`);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapInPlace(copy, size);
  return new CTORS[dtype](copy.buffer);
}

/** The little-endian bytes of `data` (a view when the host is little-endian, else a swapped copy). */
export function dataToBytes(data: TypedData): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_LITTLE_ENDIAN) return view;
  const copy = view.slice();
  swapInPlace(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

// IEEE binary formats narrower than float32, described by exponent and mantissa widths.
interface SmallFloat {
  expBits: number;
  mantBits: number;
}
const HALF: SmallFloat = { expBits: 5, mantBits: 10 };
const BFLOAT: SmallFloat = { expBits: 8, mantBits: 7 };

function smallFloatToNumber(bits: number, f: SmallFloat): number {
  const mantMask = (1 << f.mantBits) - 1;
  const expMax = (1 << f.expBits) - 1;
  const bias = expMax >> 1;
  const sign = bits >> (f.expBits + f.mantBits) ? -1 : 1;
  const e = (bits >> f.mantBits) & expMax;
  const m = bits & mantMask;
  if (e === expMax) return m ? NaN : sign * Infinity;
  if (e === 0) return sign * m * 2 ** (1 - bias - f.mantBits);
  return sign * (1 + m / 2 ** f.mantBits) * 2 ** (e - bias);
}

const f64View = new DataView(new ArrayBuffer(8));

/** Rounds `x` to the nearest value of format `f` (ties to even) and returns its bit pattern. */
function numberToSmallFloat(x: number, f: SmallFloat): number {
  const expMax = (1 << f.expBits) - 1;
  const bias = expMax >> 1;
  const signBit = 1 << (f.expBits + f.mantBits);
  if (Number.isNaN(x)) return (expMax << f.mantBits) | (1 << (f.mantBits - 1));
  const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | (expMax << f.mantBits);
  f64View.setFloat64(0, a);
  // Exponent read from the bits because Math.log2 can be off by one next to powers of two.
  const e = Math.max(((f64View.getUint16(0) >> 4) & 0x7ff) - 1023, 1 - bias);
  // Scaling by powers of two is exact, so the only rounding happens below.
  const scaled = a * 2 ** (f.mantBits - e);
  let q = Math.floor(scaled);
  const frac = scaled - q;
  if (frac > 0.5 || (frac === 0.5 && q % 2 === 1)) q++;
  // For subnormals q < 2^mantBits and the biased exponent field is 0; a carry to 2^(mantBits+1)
  // or out of the subnormal range lands naturally in the next exponent because the fields abut.
  const biased = e + bias - 1;
  const bits = biased * 2 ** f.mantBits + q;
  if (bits >= expMax * 2 ** f.mantBits) return sign | (expMax << f.mantBits);
  return sign | bits;
}

/** Decodes one IEEE half-precision bit pattern. */
export function f16ToNumber(bits: number): number {
  return smallFloatToNumber(bits, HALF);
}
/** Encodes `x` as IEEE half precision (round to nearest even, overflow to ±Inf). */
export function numberToF16(x: number): number {
  return numberToSmallFloat(x, HALF);
}
/** Decodes one bfloat16 bit pattern. */
export function bf16ToNumber(bits: number): number {
  return smallFloatToNumber(bits, BFLOAT);
}
/** Encodes `x` as bfloat16 (round to nearest even, overflow to ±Inf). */
export function numberToBF16(x: number): number {
  return numberToSmallFloat(x, BFLOAT);
}

const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  // 2^63 - 1 is not a double; the largest double below 2^63 is 2^63 - 1024.
  I64: [-(2 ** 63), 2 ** 63 - 1024],
  I32: [-(2 ** 31), 2 ** 31 - 1],
  I16: [-32768, 32767],
  I8: [-128, 127],
  U8: [0, 255],
  BOOL: [0, 1],
};

/**
 * Converts any NDArray's data to float64. F16/BF16 are decoded from their bits; I64 values whose
 * magnitude exceeds 2^53 (not exactly representable) throw InputError.
 */
export function toFloat64(arr: NDArray): Float64Array {
  const { dtype, data } = arr;
  const out = new Float64Array(data.length);
  if (dtype === "I64") {
    const limit = 2n ** 53n;
    const src = data as BigInt64Array;
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (v > limit || v < -limit) {
        throw new InputError(
          `I64 value ${v} at flat index ${i} exceeds 2^53 and cannot be represented exactly as float64`,
        );
      }
      out[i] = Number(v);
    }
  } else if (dtype === "F16" || dtype === "BF16") {
    const decode = dtype === "F16" ? f16ToNumber : bf16ToNumber;
    for (let i = 0; i < data.length; i++) out[i] = decode((data as Uint16Array)[i]);
  } else {
    out.set(data as Exclude<TypedData, BigInt64Array>);
  }
  return out;
}

/**
 * Builds an NDArray of `dtype` from float64 values. Float targets round (F32/F16/BF16); integer
 * and BOOL targets require exact in-range integers (BOOL: 0 or 1) and throw InputError otherwise.
 */
export function fromFloat64(data: ArrayLike<number>, shape: number[], dtype: DType = "F64"): NDArray {
  if (!isDType(dtype)) throw new InputError(`unsupported dtype ${JSON.stringify(dtype)}`);
  const n = numel(shape);
  if (data.length !== n) {
    throw new InputError(`fromFloat64: ${data.length} values but shape [${shape.join(", ")}] needs ${n}`);
  }
  const out = new CTORS[dtype](n);
  const range = INT_RANGE[dtype];
  if (range) {
    const [lo, hi] = range;
    for (let i = 0; i < n; i++) {
      const v = data[i];
      if (!Number.isInteger(v) || v < lo || v > hi) {
        throw new InputError(`fromFloat64: value ${v} at flat index ${i} is not representable as ${dtype}`);
      }
      if (dtype === "I64") (out as BigInt64Array)[i] = BigInt(v);
      else (out as Int32Array)[i] = v;
    }
  } else if (dtype === "F16" || dtype === "BF16") {
    const encode = dtype === "F16" ? numberToF16 : numberToBF16;
    for (let i = 0; i < n; i++) (out as Uint16Array)[i] = encode(data[i]);
  } else {
    for (let i = 0; i < n; i++) (out as Float64Array)[i] = data[i];
  }
  return { dtype, shape: [...shape], data: out };
}
