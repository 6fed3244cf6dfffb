/**
 * Reading and writing models, weights and data sets as files (docs/file-formats.md): a model config
 * (JSON or YAML), weights as safetensors with torch state_dict names, data as safetensors with `x`
 * and `y`. Every problem is a one-line InputError naming the file and what was expected.
 */
import YAML from "yaml";
import { Tensor } from "../core/tensor.ts";
import { InputError } from "../errors.ts";
import { existsSync } from "node:fs";
import { writeSafetensors } from "../io/safetensors.ts";
import { parseDataSource, readDataArrays, readTensorFile, type DataSource } from "../io/tensorFile.ts";
import { MAX_CONFIG_BYTES, readFileChecked } from "../io/files.ts";
import { toFloat64, type NDArray } from "../io/ndarray.ts";
import { type Tree, namedLeaves, fromNamed } from "../core/tree.ts";
import { checkInputs, checkTargets, modelOf, parseModelConfig, type Model, type ModelConfig } from "./registry.ts";
import { matchParameterNames } from "./names.ts";

import type { LossName } from "./losses.ts";

/** Parses a JSON or YAML file (by content: YAML is a superset of JSON). */
export function readConfigFile(path: string, what: string): unknown {
  const text = new TextDecoder().decode(readFileChecked(path, what, MAX_CONFIG_BYTES));
  try {
    return path.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
  } catch (e) {
    throw new InputError(
      `${what} ${path} is not valid ${path.endsWith(".json") ? "JSON" : "YAML/JSON"}: ${(e as Error).message.split("\n")[0]}`,
    );
  }
}

export function loadModelConfig(path: string): ModelConfig {
  return parseModelConfig(readConfigFile(path, "model config"), `model config ${path}`);
}

function finiteTensor(arr: NDArray, file: string, name: string): Tensor {
  const data = toFloat64(arr);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]))
      throw new InputError(`${file}: ${name} holds ${data[i]} at flat index ${i} (expected finite values)`);
  }
  return new Tensor(data, [...arr.shape]);
}

/** How a weights file's names are matched (docs/file-formats.md §weights). */
export interface WeightsOptions {
  /** `[FROM, TO]` renames applied to the file's names first. */
  rename?: readonly (readonly [string, string])[];
  /** Receives how names were mapped (checkpoint, prefix, positional), for the user to see. */
  onNote?: (note: string) => void;
  /** How the user renames, for messages (default "--rename FROM=TO"). */
  renameHint?: string;
}

/**
 * Loads weights into the model's param tree: safetensors or npz, under the model's names, a
 * checkpoint's `params.*` names or `nn.Sequential`-style names (nn/names.ts); shapes must match.
 */
export function loadWeights(path: string, model: Model, o: WeightsOptions = {}): Tree {
  return loadTreeFile(path, model, "weights", o);
}

/** A tensor file holding a finite tensor per parameter name, as the model's param tree. */
function loadTreeFile(path: string, model: Model, what: string, o: WeightsOptions = {}): Tree {
  const { tensors } = readTensorFile(path, what, "weights");
  const named = new Map<string, Tensor>();
  const checkpoint = [...tensors.keys()].some((n) => n.startsWith("params."));
  for (const [name, arr] of tensors) {
    // A checkpoint's optimizer state is not a parameter; checking it would only cost time.
    if (checkpoint && name.startsWith("opt.")) continue;
    named.set(name, finiteTensor(arr, `${what} ${path}`, `tensor "${name}"`));
  }
  const template = model.init([0, 0]);
  const expected = namedLeaves(template).map(([n, t]) => [n, t.shape] as const);
  const match = matchParameterNames(named, expected, {
    rename: o.rename,
    where: `${what} ${path}`,
    arch: model.config.arch,
    renameHint: o.renameHint,
  });
  for (const note of match.notes) o.onNote?.(note);
  return loadNamed(match.named, model, `${what} ${path}`);
}

/** Fills the model's tree from named tensors, with errors that say which file is at fault. */
export function loadNamed(named: ReadonlyMap<string, Tensor>, model: Model, where: string): Tree {
  try {
    return fromNamed(model.init([0, 0]), named);
  } catch (e) {
    throw new InputError(`${where} do not match the ${model.config.arch} config: ${(e as Error).message}`);
  }
}

/** Writes a param tree (or any tree of tensors) as F64 safetensors under its dotted names. */
export function saveTree(path: string, tree: Tree, prefix = "", metadata?: Record<string, string>): void {
  writeSafetensors(path, treeArrays(tree, prefix), metadata);
}

export function treeArrays(tree: Tree, prefix = ""): Map<string, NDArray> {
  return new Map(namedLeaves(tree).map(([n, t]) => [prefix + n, { dtype: "F64", shape: [...t.shape], data: t.data }]));
}

export interface Dataset {
  x: Tensor;
  y: Tensor;
  integerTargets: boolean;
}

/**
 * `x` and `y` of a data file (safetensors, npz or an .npy pair; `X.npy,Y.npy` as text): finite
 * values, one sample per row of both. Integer targets are those stored with an integer dtype.
 */
export function readDataset(source: string | DataSource): Dataset & { where: string } {
  const src = typeof source === "string" ? parseDataSource(source, existsSync) : source;
  const { x: xa, y: ya, where } = readDataArrays(src);
  const x = finiteTensor(xa, where, "x");
  const y = finiteTensor(ya, where, "y");
  const N = x.shape[0];
  if (x.ndim < 1 || N === 0) throw new InputError(`${where}: x must have a non-empty batch axis, got [${x.shape}]`);
  if (y.ndim < 1 || y.shape[0] !== N) throw new InputError(`${where}: y has shape [${y.shape}] but x has ${N} samples`);
  const integerTargets = ya.dtype.startsWith("I") || ya.dtype.startsWith("U") || ya.dtype === "BOOL";
  return { x, y, integerTargets, where };
}

/** Loads `x` and `y` from a data file (safetensors, npz or an .npy pair) and checks them against the model. */
export function loadData(source: string | DataSource, cfg: ModelConfig): Dataset {
  const { x, y, integerTargets, where } = readDataset(source);
  checkInputs(cfg, x, where);
  return { x, y, integerTargets };
}

/** The loss to use: the requested one, else xent for integer targets and mse otherwise. */
export function chooseLoss(requested: LossName | undefined, data: Dataset): LossName {
  return requested ?? (data.integerTargets ? "xent" : "mse");
}

/** Loads a direction (same names/shapes as the weights) for an HVP. */
export function loadDirection(path: string, model: Model): Tree {
  return loadTreeFile(path, model, "direction");
}

/** What `eval`, `quotient` and `entropy` start from: a model, its weights and (optionally) data with its loss. */
export interface Problem {
  cfg: ModelConfig;
  model: Model;
  params: Tree;
  data?: Dataset & { loss: LossName };
}

export interface ProblemFiles extends Pick<WeightsOptions, "rename" | "onNote"> {
  model: string;
  weights: string;
  data?: string;
  loss?: LossName;
}

/**
 * Loads model config, weights and — when a data file is given — the data, choosing and checking
 * the loss (`loss` as requested, else xent for integer targets and mse otherwise).
 */
export function loadProblem(o: ProblemFiles & { data: string }): Required<Problem>;
export function loadProblem(o: ProblemFiles): Problem;
export function loadProblem(o: ProblemFiles): Problem {
  const cfg = loadModelConfig(o.model);
  const model = modelOf(cfg);
  const params = loadWeights(o.weights, model, { rename: o.rename, onNote: o.onNote });
  if (o.data === undefined) {
    if (o.loss !== undefined) throw new InputError("--loss needs --data <file>");
    return { cfg, model, params };
  }
  const data = loadData(o.data, cfg);
  const loss = chooseLoss(o.loss, data);
  checkTargets(cfg, data.x, data.y, loss, `data ${o.data}`);
  return { cfg, model, params, data: { ...data, loss } };
}
