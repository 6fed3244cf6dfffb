/**
 * NumPy .npz codec: a ZIP archive whose members are .npy files named `<key>.npy`.
 */
import { InputError } from "../errors.ts";
import { readFileChecked, writeFileAtomic } from "./files.ts";
import { namedEntries, type NamedArrays, type NDArray } from "./ndarray.ts";
import { decodeNpy, encodeNpy } from "./npy.ts";
import { extractZipEntry, readZipEntries, writeZip } from "./zip.ts";

const SUFFIX = ".npy";

/**
 * Decodes a .npz byte image into arrays keyed by member name without the `.npy` suffix, in archive
 * order. Every member must be a .npy file; corrupt archives or members throw InputError.
 */
export function decodeNpz(bytes: Uint8Array, fileName = "<buffer>"): Map<string, NDArray> {
  const out = new Map<string, NDArray>();
  for (const entry of readZipEntries(bytes, fileName)) {
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

/** Reads and decodes a .npz file. */
export function readNpz(path: string): Map<string, NDArray> {
  return decodeNpz(readFileChecked(path, "npz file"), path);
}

/** Encodes and atomically writes a .npz file. */
export function writeNpz(path: string, arrays: NamedArrays, options: { compress?: boolean } = {}): void {
  writeFileAtomic(path, encodeNpz(arrays, options));
}
