/**
 * NumPy .npz codec: a ZIP archive whose members are .npy files named `<key>.npy`.
 */
import { InputError } from "../errors.ts";
import { formatBytes, readFileChecked, writeFileAtomic } from "./files.ts";
import { namedEntries, type NamedArrays, type NDArray } from "./ndarray.ts";
import { decodeNpy, encodeNpy } from "./npy.ts";
import { extractZipEntry, readZipEntries, writeZip } from "./zip.ts";

const SUFFIX = ".npy";

/** Default cap on the bytes all members of an archive inflate to (a 2 MB file can claim 2 GB). */
export const MAX_NPZ_INFLATED_BYTES = 2 ** 30;

/**
 * Decodes a .npz byte image into arrays keyed by member name without the `.npy` suffix, in archive
 * order. Every member must be a .npy file; corrupt archives or members throw InputError. The
 * members' declared sizes must add up to at most `maxBytes` (checked before inflating), and each
 * member inflates to exactly its declared size or is refused as soon as it passes it.
 */
export function decodeNpz(
  bytes: Uint8Array,
  fileName = "<buffer>",
  maxBytes = MAX_NPZ_INFLATED_BYTES,
): Map<string, NDArray> {
  const out = new Map<string, NDArray>();
  const entries = readZipEntries(bytes, fileName);
  const declared = entries.reduce((s, e) => s + e.uncompressedSize, 0);
  if (declared > maxBytes)
    throw new InputError(
      `npz file ${fileName} would inflate to ${formatBytes(declared)}, more than the ${formatBytes(maxBytes)} allowed`,
    );
  for (const entry of entries) {
    if (!entry.name.endsWith(SUFFIX)) {
      throw new InputError(`corrupt npz file ${fileName}: member "${entry.name}" is not a .npy file`);
    }
    const key = entry.name.slice(0, -SUFFIX.length);
    // readZipEntries already rejects duplicate member names, and the suffix is always stripped.
    out.set(key, decodeNpy(extractZipEntry(bytes, entry, fileName), `${fileName}[${entry.name}]`));
  }
  return out;
}

/**
 * Encodes arrays as a .npz archive (members `<key>.npy`, stored unless `compress` is set, the
 * equivalent of np.savez / np.savez_compressed). Empty keys throw InputError.
 */
export function encodeNpz(arrays: NamedArrays, options: { compress?: boolean } = {}): Uint8Array {
  const members = namedEntries(arrays).map(([key, arr]) => {
    if (key.length === 0) throw new InputError("npz: array name must not be empty");
    return { name: key + SUFFIX, data: encodeNpy(arr) };
  });
  return writeZip(members, options);
}

/** Reads and decodes a .npz file (at most `maxBytes` once inflated). */
export function readNpz(path: string, maxBytes = MAX_NPZ_INFLATED_BYTES): Map<string, NDArray> {
  return decodeNpz(readFileChecked(path, "npz file"), path, maxBytes);
}

/** Encodes and atomically writes a .npz file. */
export function writeNpz(path: string, arrays: NamedArrays, options: { compress?: boolean } = {}): void {
  writeFileAtomic(path, encodeNpz(arrays, options));
}
