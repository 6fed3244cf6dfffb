/**
 * The reference workloads of the shared benchmark definitions (workloads.md §5), built from the
 * portable hash initialisation so that their `check` values are comparable with PyTorch's to 1e-9.
 * Each builder returns the data and the unit of work; the bench times the unit, the tests check
 * the numbers.
 */
import { Tensor } from "../src/core/tensor.ts";
import * as F from "../src/core/ops/index.ts";
import { valueAndGrad, hvp, perSampleGrads } from "../src/core/autodiff.ts";
import { hashSym, hashUnit, hashLabels } from "../src/nn/hashInit.ts";
import * as mlp from "../src/nn/mlp.ts";
import * as transformer from "../src/nn/transformer.ts";
import { mlpConfig, transformerConfig } from "../src/nn/config.ts";
import { xent, mse } from "../src/nn/losses.ts";
import { type Tree, leaves, treeDot, zipTrees } from "../src/tree/tree.ts";

export const sumSq = (t: Tree): number => treeDot(t, t);

/** θ ← θ − lr·g on every leaf (a new tree). */
export function sgdStep<T extends Tree>(params: T, grads: T, lr: number): T {
  return zipTrees([params, grads], ([p, g]) => new Tensor(p.data.map((v, i) => v - lr * g.data[i]), p.shape));
}

// ---- tiny MLP 2-32-32-1, tanh, no biases -------------------------------------------------------
export const tinyCfg = mlpConfig.parse({ arch: "mlp", sizes: [2, 32, 32, 1], activation: "tanh", bias: false });
export function tinyParams(): mlp.MlpParams {
  return {
    fc0: { weight: hashSym(1, [32, 2], 1 / Math.SQRT2) },
    fc1: { weight: hashSym(2, [32, 32], 1 / Math.sqrt(32)) },
    fc2: { weight: hashSym(3, [1, 32], 1 / Math.sqrt(32)) },
  };
}

export function tinyGrad() {
  const params = tinyParams();
  const x = hashSym(10, [1, 2], 1);
  const f = (p: mlp.MlpParams) => F.sum(mlp.apply(p, x, tinyCfg));
  const vg = valueAndGrad(f);
  return {
    run: () => vg(params),
    check: () => {
      const { value, grad } = vg(params);
      return [value.item(), sumSq(grad), treeDot(grad, params)];
    },
  };
}

// ---- MNIST-shaped MLP 784-H-H-10 -----------------------------------------------------------------
export function mlpParams(H: number): mlp.MlpParams {
  const b1 = 1 / Math.sqrt(784), bH = 1 / Math.sqrt(H);
  return {
    fc0: { weight: hashSym(1, [H, 784], b1), bias: hashSym(2, [H], b1) },
    fc1: { weight: hashSym(3, [H, H], bH), bias: hashSym(4, [H], bH) },
    fc2: { weight: hashSym(5, [10, H], bH), bias: hashSym(6, [10], bH) },
  };
}
export const mnistBatch = () => ({ X: hashUnit(20, [128, 784]), y: hashLabels(21, [128], 10) });
export const mlpCfg = (H: number, activation: "relu" | "tanh") => mlpConfig.parse({ arch: "mlp", sizes: [784, H, H, 10], activation });

export function mlpStep(H: number) {
  const cfg = mlpCfg(H, "relu");
  const { X, y } = mnistBatch();
  const vg = valueAndGrad((p: mlp.MlpParams) => xent(mlp.apply(p, X, cfg), y));
  let params = mlpParams(H);
  return {
    run: () => {
      const { grad } = vg(params);
      params = sgdStep(params, grad, 0.01);
    },
    check: () => {
      let p = mlpParams(H);
      const s1 = vg(p);
      p = sgdStep(p, s1.grad, 0.01);
      p = sgdStep(p, vg(p).grad, 0.01);
      return [s1.value.item(), sumSq(s1.grad), vg(p).value.item()];
    },
  };
}

export function mlpMediumHvp() {
  const cfg = mlpCfg(256, "tanh");
  const { X, y } = mnistBatch();
  const params = mlpParams(256);
  const p0 = params;
  const v: mlp.MlpParams = {
    fc0: { weight: hashSym(31, p0.fc0.weight.shape, 1), bias: hashSym(32, [256], 1) },
    fc1: { weight: hashSym(33, p0.fc1.weight.shape, 1), bias: hashSym(34, [256], 1) },
    fc2: { weight: hashSym(35, p0.fc2.weight.shape, 1), bias: hashSym(36, [10], 1) },
  };
  const h = hvp((p: mlp.MlpParams) => xent(mlp.apply(p, X, cfg), y));
  return {
    run: () => h(params, v),
    check: () => {
      const r = h(params, v);
      return [r.value.item(), treeDot(v, r.hvp), sumSq(r.hvp)];
    },
  };
}

export function persampleMedium() {
  const cfg = mlpCfg(256, "relu");
  const { X, y } = mnistBatch();
  const xs = F.slice(X, [0], [32]);
  const ys = F.slice(y, [0], [32]);
  const params = mlpParams(256);
  const lossOne = (p: mlp.MlpParams, x: Tensor, t: Tensor) => xent(mlp.apply(p, x, cfg), t);
  return {
    run: () => perSampleGrads(lossOne, params, xs, ys),
    check: () => {
      const { values, grads } = perSampleGrads(lossOne, params, xs, ys);
      const pl = leaves(params);
      let dot = 0;
      leaves(grads).forEach((g, j) => {
        const p = pl[j].data;
        for (let i = 0; i < g.size; i++) dot += g.data[i] * p[i % p.length];
      });
      return [values.reduce((s, v) => s + v, 0), sumSq(grads), dot];
    },
  };
}

// ---- one pre-LN transformer block ----------------------------------------------------------------
export const trCfg = transformerConfig.parse({
  arch: "transformer", vocab: 99, seq: 3, d: 64, heads: 4, dHead: 16, layers: 1, mlp: 256,
  norm: "layernorm", activation: "relu", causal: true, readout: "last",
});

export function transformerParams(): transformer.TransformerParams {
  const ones = () => new Tensor(new Float64Array(64).fill(1), [64]);
  const zeros = () => new Tensor(new Float64Array(64), [64]);
  const lin = (seed: number, out: number, fin: number) => hashSym(seed, [out, fin], 1 / Math.sqrt(fin));
  return {
    embed: { weight: hashSym(1, [99, 64], 1) },
    pos: { weight: hashSym(11, [3, 64], 1) },
    blocks: [{
      ln1: { weight: ones(), bias: zeros() },
      attn: { q: { weight: lin(2, 64, 64) }, k: { weight: lin(3, 64, 64) }, v: { weight: lin(4, 64, 64) }, o: { weight: lin(5, 64, 64) } },
      ln2: { weight: ones(), bias: zeros() },
      mlp: { fc1: { weight: lin(6, 256, 64), bias: hashSym(7, [256], 1 / 8) }, fc2: { weight: lin(8, 64, 256), bias: hashSym(9, [64], 1 / 16) } },
    }],
    ln_f: { weight: ones(), bias: zeros() },
    unembed: { weight: lin(10, 99, 64) },
  };
}
export const transformerBatch = () => ({ tok: hashLabels(40, [512, 3], 99), tgt: hashLabels(41, [512], 99) });

export function transformerLoss() {
  const { tok, tgt } = transformerBatch();
  return valueAndGrad((p: transformer.TransformerParams) => xent(transformer.apply(p, tok, trCfg), tgt));
}

// ---- Entropy-SGD inner loop on the tiny MLP --------------------------------------------------------
export const sgldConst = { eta: 0.01, gamma: 0.1, beta: 1e4, alpha: 0.75, steps: 20 };
export function sgldData() {
  const Xs = hashSym(11, [32, 2], 1);
  const Ts = hashSym(12, [32, 1], 1);
  return { Xs, Ts, loss: (p: mlp.MlpParams) => mse(mlp.apply(p, Xs, tinyCfg), Ts) };
}
