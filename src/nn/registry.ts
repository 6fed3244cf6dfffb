/**
 * The registry of model families: the one list of family records (./families/, one file each)
 * and everything that is the same for all of them — the config union and its parser, `modelOf`
 * (pure init/apply bound to a config), `groupOf` (the symmetry group composed from the family's
 * spec), and the input/output shape rules the data checks use. Adding a family is one file in
 * ./families/ and one entry in FAMILIES.
 */
import { z } from "zod";
import { key as keyOf, type Key, normalArray, randint, split } from "../core/random.ts";
import { Tensor, shapeSize } from "../core/tensor.ts";
import type { Tree } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import { formatZodIssues } from "../validate.ts";
import { composeGroup } from "../symmetry/compose.ts";
import { layoutOf } from "../symmetry/layout.ts";
import type { SymmetryGroup } from "../symmetry/types.ts";
import type { FamilySchema, ModelFamily } from "./family.ts";
import { cnn } from "./families/cnn.ts";
import { meanfield } from "./families/meanfield.ts";
import { mlp } from "./families/mlp.ts";
import { transformer } from "./families/transformer.ts";
import type { LossName } from "./losses.ts";
import { checkParameterCount, type Terms } from "./size.ts";

/** Every model family, in the order they are listed to users. */
export const FAMILIES = [mlp, cnn, transformer, meanfield] as const;

type Schemas<T extends readonly { schema: FamilySchema }[]> = { -readonly [K in keyof T]: T[K]["schema"] };

/** The config of any family: the union of the families' strict schemas, told apart by `arch`. */
export const modelConfig = z.discriminatedUnion("arch", FAMILIES.map((f) => f.schema) as Schemas<typeof FAMILIES>);
export type ModelConfig = z.infer<typeof modelConfig>;
export type Arch = ModelConfig["arch"];

/** A family as the registry holds it (config and params erased to ModelConfig and Tree). */
export type AnyFamily = ModelFamily<FamilySchema, Tree>;
const REGISTRY: readonly AnyFamily[] = FAMILIES;

/** Every family, typed for code that works with any of them (tests, harnesses, listings). */
export function families(): readonly AnyFamily[] {
  return REGISTRY;
}

export function archNames(): string[] {
  return REGISTRY.map((f) => f.arch);
}

/** The family of a config (or of an arch name). */
export function familyOf(cfg: { arch: string } | string): AnyFamily {
  const arch = typeof cfg === "string" ? cfg : cfg.arch;
  const f = REGISTRY.find((x) => x.arch === arch);
  if (!f) throw new InputError(`arch: unknown arch ${JSON.stringify(arch)} (expected ${listOr(archNames())})`);
  return f;
}

/** "a, b, c or d". */
function listOr(xs: readonly string[]): string {
  return xs.length > 1 ? `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}` : xs.join("");
}

/** Parses and validates a model config; throws an InputError naming the offending field. */
export function parseModelConfig(raw: unknown, where = "model config"): ModelConfig {
  if (typeof raw === "object" && raw !== null) {
    const arch = (raw as { arch?: unknown }).arch;
    if (arch === undefined) throw new InputError(`${where}: arch: missing (expected ${listOr(archNames())})`);
    if (typeof arch !== "string" || !archNames().includes(arch))
      throw new InputError(`${where}: arch: unknown arch ${JSON.stringify(arch)} (expected ${listOr(archNames())})`);
  }
  const r = modelConfig.safeParse(raw);
  if (!r.success) throw new InputError(formatZodIssues(r.error.issues, where));
  familyOf(r.data).check?.(r.data, where);
  checkParameterCount(parameterTerms(r.data), where);
  return r.data;
}

/** A family bound to one config: pure functions over param trees named as torch's state_dict. */
export interface Model<C extends ModelConfig = ModelConfig> {
  readonly config: C;
  init(key: Key): Tree;
  apply(params: Tree, x: Tensor): Tensor;
}

export function modelOf<C extends ModelConfig>(cfg: C): Model<C> {
  const family = familyOf(cfg);
  const model: Model<C> = { config: cfg, init: (k) => family.init(k, cfg), apply: (p, x) => family.apply(p, x, cfg) };
  built.add(model);
  return model;
}

const built = new WeakSet<Model>();

/**
 * Whether `model` is one `modelOf` built (its functions are the registry family's for its config,
 * so `modelOf(model.config)` — on another thread too — computes the same), not a hand-made object.
 */
export function isRegistryModel(model: Model): boolean {
  return built.has(model);
}

const groups = new WeakMap<ModelConfig, SymmetryGroup>();

/**
 * The symmetry group of a model config (cached per config object): the family's spec over the
 * layout of its param tree, composed by src/symmetry into act, generators, projections,
 * invariants, canonical forms, charges and alignment.
 */
export function groupOf(cfg: ModelConfig): SymmetryGroup {
  const hit = groups.get(cfg);
  if (hit) return hit;
  const template = modelOf(cfg).init(keyOf(0));
  const g = composeGroup(familyOf(cfg).group(cfg, layoutOf(template)), template);
  groups.set(cfg, g);
  return g;
}

/** The model's parameter count by config field (./size.ts), from the config alone. */
export function parameterTerms(cfg: ModelConfig): Terms {
  return familyOf(cfg).parameterTerms(cfg);
}

/** The values one sample's forward pass keeps for the backward pass, by config field. */
export function activationTerms(cfg: ModelConfig): Terms {
  return familyOf(cfg).activationTerms(cfg);
}

/** The per-sample input shapes a model reads (after the batch axis). */
export function inputShapes(cfg: ModelConfig): number[][] {
  return familyOf(cfg).inputShapes(cfg);
}

/** The flat per-sample input shape data are generated in (every family reads flat samples). */
export function flatInputShape(cfg: ModelConfig): number[] {
  return [shapeSize(inputShapes(cfg)[0])];
}

/** The per-sample output shape for inputs of per-sample shape `sample`. */
export function outputShape(cfg: ModelConfig, sample: readonly number[] = flatInputShape(cfg)): number[] {
  return familyOf(cfg).outputShape(cfg, sample);
}

/** Output width: the classes of xent (the last output axis), 1 for one value per sample. */
export function outputSize(cfg: ModelConfig): number {
  const out = outputShape(cfg);
  return out.length ? out[out.length - 1] : 1;
}

/**
 * Checks a batch x [N, …] against what the model reads: the sample shape, and for token inputs
 * integers in [0, vocab). `where` names the data for the message ("data f.safetensors").
 */
export function checkInputs(cfg: ModelConfig, x: Tensor, where: string): void {
  const family = familyOf(cfg);
  const sample = x.shape.slice(1);
  const ok = family.inputShapes(cfg);
  const fits = family.acceptsSample
    ? family.acceptsSample(sample, cfg)
    : ok.some((s) => s.length === sample.length && s.every((d, i) => d === sample[i]));
  if (!fits)
    throw new InputError(
      `${where}: x has shape [${x.shape}], expected [N, ${ok.map((s) => s.join(", ")).join("] or [N, ")}] for this ${cfg.arch}`,
    );
  const vocab = family.vocab?.(cfg);
  if (vocab !== undefined) {
    const bad = x.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= vocab);
    if (bad >= 0)
      throw new InputError(`${where}: token ${x.data[bad]} at flat index ${bad} is not an integer in [0, ${vocab})`);
  }
}

/**
 * Checks targets y against the model's outputs on x for a loss: class labels in [0, C) of the
 * label positions for xent, as many values as outputs for mse.
 */
export function checkTargets(cfg: ModelConfig, x: Tensor, y: Tensor, loss: LossName, where: string): void {
  const N = x.shape[0];
  const out = outputShape(cfg, x.shape.slice(1));
  const C = out.length ? out[out.length - 1] : 1;
  const labels = [N, ...out.slice(0, -1)];
  if (loss === "xent") {
    if (y.size !== shapeSize(labels))
      throw new InputError(`${where}: y has shape [${y.shape}], expected [${labels.join(", ")}] class labels for xent`);
    const bad = y.data.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= C);
    if (bad >= 0) throw new InputError(`${where}: label ${y.data[bad]} at index ${bad} is not a class in [0, ${C})`);
  } else if (y.size !== N * shapeSize(out)) {
    throw new InputError(
      `${where}: y has shape [${y.shape}], expected ${N * shapeSize(out)} values ([${[N, ...out].join(", ")}]) for mse`,
    );
  }
}

/**
 * n random inputs in the flat sample shape: uniform tokens in [0, vocab) for token inputs, else
 * N(0, std²) values. `draw` is called with (key, count) for the real values (default: normal).
 */
export function randomInputs(cfg: ModelConfig, k: Key, n: number, std = 1): Tensor {
  const shape = flatInputShape(cfg);
  const m = n * shapeSize(shape);
  const vocab = familyOf(cfg).vocab?.(cfg);
  const data = vocab !== undefined ? Float64Array.from(randint(k, m, 0, vocab)) : normalArray(k, m).map((v) => std * v);
  return new Tensor(data, [n, ...shape]);
}

/** Random targets for the outputs on x: labels for xent, N(0, 1) values for mse. */
export function randomTargets(cfg: ModelConfig, x: Tensor, k: Key, loss: LossName): Tensor {
  const N = x.shape[0];
  const out = outputShape(cfg, x.shape.slice(1));
  if (loss === "xent") {
    const labels = [N, ...out.slice(0, -1)];
    return new Tensor(Float64Array.from(randint(k, shapeSize(labels), 0, out[out.length - 1] ?? 1)), labels);
  }
  return new Tensor(normalArray(k, N * shapeSize(out)), [N, ...out]);
}

/** A family's example: its config parsed, a model, random inputs and targets for its loss. */
export function exampleOf(family: AnyFamily, k: Key, n = 4) {
  const cfg = parseModelConfig(family.example.config, `${family.arch} example`);
  const [kx, ky] = split(k, 2);
  const x = randomInputs(cfg, kx, n);
  return { cfg, model: modelOf(cfg), x, y: randomTargets(cfg, x, ky, family.example.loss), loss: family.example.loss };
}
