/**
 * Named tensors from a file of any format shocklens reads (docs/file-formats.md §weights, §data-files):
 * safetensors or NumPy .npz, recognised by their first bytes rather than by the file name. A
 * PyTorch `torch.save` file is refused with the command that converts it; a single `.npy` array is
 * refused with what to give instead.
 */
import { InputError } from "../errors.ts";
import { readFileChecked } from "./files.ts";
import type { NDArray } from "./ndarray.ts";
import { decodeNpy } from "./npy.ts";
import { decodeNpz } from "./npz.ts";
import { decodeSafetensors } from "./safetensors.ts";
import { sniffTensorFile, torchFileError, type TensorFileRole } from "./sniff.ts";

export interface TensorFile {
  format: "safetensors" | "npz";
  tensors: Map<string, NDArray>;
  /** safetensors `__metadata__` (empty for npz). */
  metadata: Record<string, string>;
}

/**
 * Reads `path` (named `what` in messages, e.g. "weights") as safetensors or npz. `role` picks the
 * conversion advice for a PyTorch file and a bare .npy.
 */
export function readTensorFile(path: string, what: string, role: TensorFileRole): TensorFile {
  const bytes = readFileChecked(path, what);
  const kind = sniffTensorFile(bytes, path);
  switch (kind) {
    case "torch-zip":
    case "torch-pickle":
      throw torchFileError(path, kind, what, role);
    case "npz":
      return { format: "npz", tensors: decodeNpz(bytes, path), metadata: {} };
    case "npy":
      throw new InputError(
        `${what} ${path} is a single NumPy array (.npy); ` +
          (role === "data"
            ? "give the inputs and the targets as a pair X.npy,Y.npy, or one .npz/.safetensors holding x and y"
            : "give one tensor per parameter name in a .safetensors or .npz file (np.savez(path, **arrays))"),
      );
    case "zip":
      throw new InputError(
        `${what} ${path} is a ZIP archive but neither an npz (only .npy members) nor a PyTorch file`,
      );
    default:
      return { format: "safetensors", ...decodeSafetensors(bytes, path) };
  }
}

/** Where a data set is read from: one file holding `x` and `y`, or a pair of .npy files. */
export type DataSource = { path: string } | { x: string; y: string };

/**
 * The `--data` spelling: `D.safetensors`, `D.npz`, or `X.npy,Y.npy` (a comma only separates a
 * pair when the whole text is not itself an existing file's name).
 */
export function parseDataSource(spec: string, exists: (p: string) => boolean): DataSource {
  const parts = spec.split(",");
  if (parts.length === 2 && !exists(spec) && parts[0].trim() && parts[1].trim())
    return { x: parts[0].trim(), y: parts[1].trim() };
  return { path: spec };
}

/** The data source as text for messages: "d.npz" or "x.npy,y.npy". */
export function dataSourceText(src: DataSource): string {
  return "path" in src ? src.path : `${src.x},${src.y}`;
}

/** The raw `x` and `y` arrays of a data source (an InputError names the file when one is missing). */
export function readDataArrays(src: DataSource): { x: NDArray; y: NDArray; where: string } {
  if ("path" in src) {
    const where = `data ${src.path}`;
    const { tensors } = readTensorFile(src.path, "data", "data");
    const x = tensors.get("x");
    const y = tensors.get("y");
    if (!x || !y)
      throw new InputError(
        `${where}: missing tensor "${!x ? "x" : "y"}" (a data file holds x [N, …] and y [N, …]; ` +
          `found ${[...tensors.keys()].map((k) => JSON.stringify(k)).join(", ") || "none"})`,
      );
    return { x, y, where };
  }
  const one = (path: string): NDArray => {
    const bytes = readFileChecked(path, "data");
    const kind = sniffTensorFile(bytes, path);
    if (kind === "torch-zip" || kind === "torch-pickle") throw torchFileError(path, kind, "data", "data");
    if (kind !== "npy") throw new InputError(`data ${path}: expected a NumPy .npy array (one of the pair X.npy,Y.npy)`);
    return decodeNpy(bytes, path);
  };
  return { x: one(src.x), y: one(src.y), where: `data ${src.x},${src.y}` };
}
