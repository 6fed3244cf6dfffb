/** Tiny models of every family, with data and losses, for the symmetry, curvature and observable tests. */
import { Tensor } from "../../src/core/tensor.ts";
import { type Key, key, split, normal } from "../../src/core/random.ts";
import {
  modelOf,
  parseModelConfig,
  lossFn,
  randomInputs,
  randomTargets,
  type ModelConfig,
  type LossName,
} from "../../src/nn/index.ts";
import { type Tree, leaves, ravel, mapTree } from "../../src/core/tree.ts";

export interface Case {
  label: string;
  cfg: ModelConfig;
  params: Tree;
  x: Tensor;
  y: Tensor;
  loss: LossName;
  f: (p: Tree) => Tensor;
  out: (p: Tree) => Tensor;
}

/** A tiny transformer config: vocab 5, seq 4, d 4, two heads of 2, one layer, MLP width 5, with `over` on top. */
export function tinyTransformer(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { arch: "transformer", vocab: 5, seq: 4, d: 4, heads: 2, dHead: 2, layers: 1, mlp: 5, ...over };
}

const CONFIGS: [string, unknown, LossName][] = [
  ["mlp relu (2 hidden layers)", { arch: "mlp", sizes: [3, 5, 4, 2], activation: "relu" }, "mse"],
  ["mlp leaky-relu, no bias", { arch: "mlp", sizes: [3, 4, 1], activation: "leaky-relu", bias: false }, "mse"],
  ["mlp identity", { arch: "mlp", sizes: [2, 3, 2], activation: "identity" }, "mse"],
  ["mlp tanh (permutations only)", { arch: "mlp", sizes: [3, 4, 2], activation: "tanh" }, "mse"],
  [
    "cnn relu (conv→conv→fc→fc)",
    {
      arch: "cnn",
      input: [1, 10, 10],
      conv: [
        { out: 3, kernel: 3, padding: 1, pool: 2 },
        { out: 2, kernel: 2, pool: 2 },
      ],
      fc: [3, 2],
      activation: "relu",
    },
    "xent",
  ],
  ["transformer layernorm relu", tinyTransformer({ norm: "layernorm", activation: "relu" }), "xent"],
  [
    "transformer no-norm gelu, 2 layers",
    tinyTransformer({ vocab: 4, seq: 3, layers: 2, mlp: 3, norm: "none", activation: "gelu", readout: "all" }),
    "xent",
  ],
  ["meanfield relu", { arch: "meanfield", input: 3, width: 5, activation: "relu" }, "mse"],
  [
    "meanfield tanh (exchangeability only)",
    { arch: "meanfield", input: 2, width: 4, activation: "tanh", bias: false },
    "mse",
  ],
];

/** Random inputs of the family's sample shape, and targets of its outputs for the loss. */
function data(cfg: ModelConfig, k: Key, N: number, loss: LossName): { x: Tensor; y: Tensor } {
  const [kx, ky] = split(k, 2);
  const x = randomInputs(cfg, kx, N);
  return { x, y: randomTargets(cfg, x, ky, loss) };
}

/** Random params: the model's init, with every leaf (LN gains included) perturbed so nothing is degenerate. */
export function randomParams(cfg: ModelConfig, k: Key): Tree {
  const [ki, kp] = split(k, 2);
  const p = modelOf(cfg).init(ki);
  const ks = split(kp, leaves(p).length);
  let i = 0;
  return mapTree(p, (t) => {
    const z = normal(ks[i++], t.shape, 0, 0.4);
    return new Tensor(
      t.data.map((v, j) => v + z.data[j]),
      t.shape,
    );
  });
}

export function makeCase(label: string, raw: unknown, loss: LossName, seed = 1, N = 6): Case {
  const cfg = parseModelConfig(raw);
  const model = modelOf(cfg);
  const [kp, kd] = split(key(seed), 2);
  const params = randomParams(cfg, kp);
  const { x, y } = data(cfg, kd, N, loss);
  const L = lossFn(loss);
  return { label, cfg, params, x, y, loss, f: (p) => L(model.apply(p, x), y), out: (p) => model.apply(p, x) };
}

export function allCases(seed = 1): Case[] {
  return CONFIGS.map(([label, raw, loss]) => makeCase(label, raw, loss, seed));
}

export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0,
    den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(a[i]), Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

export function treeRelDiff(a: Tree, b: Tree): number {
  return relDiff(ravel(a), ravel(b));
}

export function sqNorm(t: Tree): number {
  return ravel(t).reduce((s, v) => s + v * v, 0);
}
