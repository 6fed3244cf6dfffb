/**
 * What kind of tensor file a byte image is, from its first bytes (docs/file-formats.md §pytorch):
 *
 * - safetensors: a u64 header length N that fits the file, then `{`;
 * - npy: the magic `\x93NUMPY`; npz: a ZIP archive of `.npy` members;
 * - a PyTorch `torch.save` file: a ZIP archive holding `…/data.pkl` (the format since torch 1.6),
 *   or a bare pickle stream (`0x80`, protocol 2–5: the legacy format and `_use_new_zipfile_serialization=False`).
 *
 * PyTorch files are never unpickled (a pickle can run arbitrary code); the reader says how to
 * convert them instead, with a command that works as written.
 */
import { InputError } from "../errors.ts";
import { readZipEntries } from "./zip.ts";

export type TensorFileKind = "safetensors" | "npy" | "npz" | "torch-zip" | "torch-pickle" | "zip" | "unknown";

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

export function sniffTensorFile(bytes: Uint8Array, fileName = "<buffer>"): TensorFileKind {
  if (startsWith(bytes, NPY_MAGIC)) return "npy";
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    let names: string[];
    try {
      names = readZipEntries(bytes, fileName).map((e) => e.name);
    } catch {
      return "zip";
    }
    if (names.some((n) => n === "data.pkl" || n.endsWith("/data.pkl"))) return "torch-zip";
    if (names.length > 0 && names.every((n) => n.endsWith(".npy"))) return "npz";
    return "zip";
  }
  // safetensors before pickle: a header length such as 0x0380 (896) also starts with 0x80 0x03.
  // A pickle cannot pass this test: its third byte is an opcode, so its "length" exceeds any file.
  if (bytes.length >= 9) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
    if (n > 0n && n <= BigInt(bytes.length - 8) && bytes[8] === 0x7b) return "safetensors";
  }
  // Pickle protocol 2+ opens with PROTO (0x80) and the protocol number.
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) return "torch-pickle";
  return "unknown";
}

/** What a tensor file holds, for the conversion snippet: a state_dict of weights or a data set. */
export type TensorFileRole = "weights" | "data" | "tensors";

/** Python string literal of a path (for the snippet). */
function py(s: string): string {
  return JSON.stringify(s);
}

/** `w.pt` → `w.safetensors` (next to it). */
export function safetensorsName(path: string): string {
  return /\.[^./\\]+$/.test(path) ? path.replace(/\.[^./\\]+$/, ".safetensors") : `${path}.safetensors`;
}

/**
 * The one-line Python command that converts a `torch.save` file to safetensors: a state_dict
 * (weights) as it is, a data set from a dict {"x", "y"} or a tuple (x, y).
 */
export function torchConversionCommand(path: string, role: TensorFileRole): string {
  const out = py(safetensorsName(path));
  const load = `torch.load(${py(path)}, map_location="cpu")`;
  const body =
    role === "data"
      ? `d = ${load}; x, y = (d["x"], d["y"]) if isinstance(d, dict) else d; ` +
        `save_file({"x": x.contiguous(), "y": y.contiguous()}, ${out})`
      : `sd = ${load}; sd = sd.state_dict() if hasattr(sd, "state_dict") else sd; ` +
        `save_file({k: v.contiguous() for k, v in sd.items()}, ${out})`;
  // Inside the shell's single quotes a ' is written '\'' .
  const code = `import torch; from safetensors.torch import save_file; ${body}`.replace(/'/g, "'\\''");
  return `python3 -c '${code}'`;
}

/** The InputError for a PyTorch file where safetensors (or npz) was expected. */
export function torchFileError(path: string, kind: "torch-zip" | "torch-pickle", what: string, role: TensorFileRole) {
  const format = kind === "torch-zip" ? "a PyTorch torch.save file (zip)" : "a pickled PyTorch file (torch.save)";
  return new InputError(
    `${what} ${path} is ${format}; shocklens reads safetensors, npz and npy and never unpickles. ` +
      `Convert it once with: ${torchConversionCommand(path, role)} (docs/file-formats.md §pytorch)`,
  );
}
