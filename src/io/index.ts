/**
 * Byte-level readers and writers for tensor files: safetensors, NumPy .npy and .npz.
 */
export {
  DTYPES,
  checkNDArray,
  dtypeSize,
  fromFloat64,
  isDType,
  namedEntries,
  numel,
  toFloat64,
  typedArrayFor,
  type DType,
  type NamedArrays,
  type NDArray,
  type TypedData,
} from "./ndarray.ts";
export {
  MAX_HEADER_BYTES as SAFETENSORS_MAX_HEADER_BYTES,
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
  type SafetensorsFile,
} from "./safetensors.ts";
export { decodeNpy, encodeNpy, readNpy, writeNpy } from "./npy.ts";
export { decodeNpz, encodeNpz, readNpz, writeNpz } from "./npz.ts";
export { readFileChecked, writeFileAtomic } from "./files.ts";
