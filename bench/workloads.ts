/**
 * The reference workloads of the benchmark definitions (docs/performance.md §ml-workloads), built from the
 * portable hash initialisation so that their `check` values are comparable with PyTorch's to 1e-9.
 * Each builder returns the data and the unit of work; the bench times the unit, the tests check
 * the numbers.
 */
import { Tensor } from "../src/core/tensor.ts";
import * as F from "../src/core/ops/index.ts";
import { valueAndGrad, hvp, perSampleGrads } from "../src/core/autodiff.ts";
import { hashSym, hashUnit, hashLabels } from "../src/nn/hashInit.ts";
import * as mlp from "../src/nn/families/mlp.ts";
import * as transformer from "../src/nn/families/transformer.ts";
import { mlpConfig } from "../src/nn/families/mlp.ts";
import { transformerConfig } from "../src/nn/families/transformer.ts";
import { xent, mse } from "../src/nn/losses.ts";
import { type Tree, leaves, treeDot } from "../src/core/tree.ts";
import { type Key, key, foldIn } from "../src/core/random.ts";
import { entropySgdInner } from "../src/optim/entropySgd.ts";
import { sgd, adamw } from "../src/optim/index.ts";
import type { Optimizer } from "../src/optim/types.ts";
import { compileStep } from "../src/compiled/step.ts";
import { compileMlpHvp } from "../src/compiled/mlpHvp.ts";
import { compileGradAt } from "../src/compiled/gradAt.ts";
import { compileLangevinInner } from "../src/optim/langevinInner.ts";

export const sumSq = (t: Tree): number => treeDot(t, t);

/**
 * The library's optimizers (src/optim), so the bench times what a user's training step runs:
 * plain SGD (lr 0.01) for the MLP steps and torch 1.13's AdamW (lr 1e-3, wd 0.01) for the
 * transformer step, both exact to torch's arithmetic (test/optim).
 */
function optimizerRun(optimizer: Optimizer, lr: number, initial: Tree) {
  let params = initial;
  let state = optimizer.init(params);
  return {
    get params() {
      return params;
    },
    step(grads: Tree): Tree {
      const r = optimizer.step(params, grads, state, { lr });
      params = r.params;
      state = r.state;
      return params;
    },
  };
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
  const b1 = 1 / Math.sqrt(784),
    bH = 1 / Math.sqrt(H);
  return {
    fc0: { weight: hashSym(1, [H, 784], b1), bias: hashSym(2, [H], b1) },
    fc1: { weight: hashSym(3, [H, H], bH), bias: hashSym(4, [H], bH) },
    fc2: { weight: hashSym(5, [10, H], bH), bias: hashSym(6, [10], bH) },
  };
}
export const mnistBatch = () => ({ X: hashUnit(20, [128, 784]), y: hashLabels(21, [128], 10) });
export const mlpCfg = (H: number, activation: "relu" | "tanh") =>
  mlpConfig.parse({ arch: "mlp", sizes: [784, H, H, 10], activation });

export function mlpStep(H: number) {
  const cfg = mlpCfg(H, "relu");
  const { X, y } = mnistBatch();
  const vg = valueAndGrad((p: Tree) => xent(mlp.apply(p as mlp.MlpParams, X, cfg), y));
  const make = () => optimizerRun(sgd(), 0.01, mlpParams(H));
  const run = make();
  return {
    /** One step: gradient of the CE loss on the fixed batch, then θ ← θ − 0.01·g. */
    run: () => {
      run.step(vg(run.params).grad);
    },
    check: () => {
      const o = make();
      const s1 = vg(o.params);
      o.step(s1.grad);
      o.step(vg(o.params).grad);
      return [s1.value.item(), sumSq(s1.grad), vg(o.params).value.item()];
    },
  };
}

/**
 * mlp-*-step-compiled: the same steps through the library's compiled step (src/compiled):
 * one gradient plan reused every step, bias + relu in the GEMM epilogue, SGD in place.
 */
export function mlpStepCompiled(H: number) {
  const { X, y } = mnistBatch();
  return compiledStepWorkload(
    () => compileStep({ model: mlpCfg(H, "relu"), loss: "xent", optimizer: sgd(), params: mlpParams(H) }),
    X,
    y,
    0.01,
  );
}

/**
 * A compiled training step as a workload (the mlp and transformer *-step-compiled lines): `run`
 * steps one compiled step on the batch; `check` steps a fresh one three times and returns the
 * first loss, |first gradient|² and the third loss.
 */
export function compiledStepWorkload(
  make: () => { step(x: Tensor, t: Tensor, lr: number): number; grads(): Tree },
  x: Tensor,
  t: Tensor,
  lr: number,
) {
  const run = make();
  return {
    run: () => run.step(x, t, lr),
    check: () => {
      const o = make();
      const l1 = o.step(x, t, lr);
      const g1 = sumSq(o.grads());
      o.step(x, t, lr);
      return [l1, g1, o.step(x, t, lr)];
    },
  };
}

/** The direction of mlp-medium-hvp: sym(31…36, shape, 1) for W1, b1, W2, b2, W3, b3. */
function hvpDirection(p0: mlp.MlpParams): mlp.MlpParams {
  return {
    fc0: { weight: hashSym(31, p0.fc0.weight.shape, 1), bias: hashSym(32, [256], 1) },
    fc1: { weight: hashSym(33, p0.fc1.weight.shape, 1), bias: hashSym(34, [256], 1) },
    fc2: { weight: hashSym(35, p0.fc2.weight.shape, 1), bias: hashSym(36, [10], 1) },
  };
}

export function mlpMediumHvp() {
  const cfg = mlpCfg(256, "tanh");
  const { X, y } = mnistBatch();
  const params = mlpParams(256);
  const v = hvpDirection(params);
  const h = hvp((p: mlp.MlpParams) => xent(mlp.apply(p, X, cfg), y));
  return {
    /** One exact H·v by reverse-over-reverse (double backward), like torch's. */
    run: () => h(params, v),
    check: () => {
      const r = h(params, v);
      return [r.value.item(), treeDot(v, r.hvp), sumSq(r.hvp)];
    },
  };
}

/** mlp-medium-hvp-compiled: the same H·v through the library's compiled plan (R-operator, buffers reused). */
export function mlpMediumHvpCompiled() {
  const cfg = mlpCfg(256, "tanh");
  const { X, y } = mnistBatch();
  const params = mlpParams(256);
  const v = hvpDirection(params);
  const plan = compileMlpHvp(cfg, "xent", 128);
  const pl = leaves(params).map((t) => t.data);
  const vl = leaves(v).map((t) => t.data);
  const run = () => plan.run(pl, vl, X.data, y.data);
  return {
    run,
    check: () => {
      const value = run();
      let dot = 0,
        sq = 0;
      plan.hvp.forEach((h, j) => {
        for (let i = 0; i < h.length; i++) {
          dot += vl[j][i] * h[i];
          sq += h[i] * h[i];
        }
      });
      return [value, dot, sq];
    },
  };
}

/** check of the per-sample workloads from the N per-sample losses and stacked gradients. */
export function persampleCheck(
  values: ArrayLike<number>,
  grads: readonly Float64Array[],
  params: readonly Tensor[],
): number[] {
  let loss = 0,
    sq = 0,
    dot = 0;
  for (let i = 0; i < values.length; i++) loss += values[i];
  grads.forEach((g, j) => {
    const p = params[j].data;
    for (let i = 0; i < g.length; i++) {
      sq += g[i] * g[i];
      dot += g[i] * p[i % p.length];
    }
  });
  return [loss, sq, dot];
}

/** persample-medium-vmap: the library's perSampleGrads (fresh (32, …) outputs every call, like vmap). */
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
      return persampleCheck(
        values,
        leaves(grads).map((g) => g.data),
        leaves(params),
      );
    },
  };
}

/**
 * persample-medium-loop: 32 separate forward + backward passes, each gradient copied into row i
 * of (32, …) output buffers allocated once and reused by every call (torch's loop line).
 */
export function persampleMediumLoop() {
  const cfg = mlpCfg(256, "relu");
  const { X, y } = mnistBatch();
  const N = 32;
  const params = mlpParams(256);
  const pl = leaves(params);
  const out = pl.map((t) => new Float64Array(N * t.size));
  const values = new Float64Array(N);
  const vg = valueAndGrad((p: mlp.MlpParams, x: Tensor, t: Tensor) => xent(mlp.apply(p, x, cfg), t));
  const run = () => {
    for (let i = 0; i < N; i++) {
      const { value, grad } = vg(params, F.slice(X, [i], [i + 1]), F.slice(y, [i], [i + 1]));
      values[i] = value.item();
      const gl = leaves(grad);
      for (let j = 0; j < gl.length; j++) out[j].set(gl[j].data, i * gl[j].size);
    }
    return out;
  };
  return { run, check: () => persampleCheck(values, run(), pl) };
}

// ---- one pre-LN transformer block ----------------------------------------------------------------
export const trCfg = transformerConfig.parse({
  arch: "transformer",
  vocab: 99,
  seq: 3,
  d: 64,
  heads: 4,
  dHead: 16,
  layers: 1,
  mlp: 256,
  norm: "layernorm",
  activation: "relu",
  causal: true,
  readout: "last",
});

export function transformerParams(): transformer.TransformerParams {
  const ones = () => new Tensor(new Float64Array(64).fill(1), [64]);
  const zeros = () => new Tensor(new Float64Array(64), [64]);
  const lin = (seed: number, out: number, fin: number) => hashSym(seed, [out, fin], 1 / Math.sqrt(fin));
  return {
    embed: { weight: hashSym(1, [99, 64], 1) },
    pos: { weight: hashSym(11, [3, 64], 1) },
    blocks: [
      {
        ln1: { weight: ones(), bias: zeros() },
        attn: {
          q: { weight: lin(2, 64, 64) },
          k: { weight: lin(3, 64, 64) },
          v: { weight: lin(4, 64, 64) },
          o: { weight: lin(5, 64, 64) },
        },
        ln2: { weight: ones(), bias: zeros() },
        mlp: {
          fc1: { weight: lin(6, 256, 64), bias: hashSym(7, [256], 1 / 8) },
          fc2: { weight: lin(8, 64, 256), bias: hashSym(9, [64], 1 / 16) },
        },
      },
    ],
    ln_f: { weight: ones(), bias: zeros() },
    unembed: { weight: lin(10, 99, 64) },
  };
}
export const transformerBatch = () => ({ tok: hashLabels(40, [512, 3], 99), tgt: hashLabels(41, [512], 99) });

export function transformerLoss() {
  const { tok, tgt } = transformerBatch();
  const vg = valueAndGrad((p: transformer.TransformerParams) => xent(transformer.apply(p, tok, trCfg), tgt));
  return (p: transformer.TransformerParams) => vg(p);
}

/** transformer-step: gradient of the last-position CE loss, then one AdamW update. */
export function transformerStep() {
  const vg = transformerLoss();
  const make = () => optimizerRun(adamw({ weightDecay: 0.01 }), 1e-3, transformerParams());
  const run = make();
  const params = () => run.params as transformer.TransformerParams;
  return {
    run: () => {
      run.step(vg(params()).grad);
    },
    check: () => {
      const o = make();
      const at = () => o.params as transformer.TransformerParams;
      const r1 = vg(at());
      o.step(r1.grad);
      o.step(vg(at()).grad);
      return [r1.value.item(), sumSq(r1.grad), vg(at()).value.item()];
    },
  };
}

// ---- Entropy-SGD inner loop on the tiny MLP --------------------------------------------------------
export const sgldConst = { eta: 0.01, gamma: 0.1, beta: 1e4, alpha: 0.75, steps: 20 };
export function sgldData() {
  const Xs = hashSym(11, [32, 2], 1);
  const Ts = hashSym(12, [32, 1], 1);
  return { Xs, Ts, loss: (p: mlp.MlpParams) => mse(mlp.apply(p, Xs, tinyCfg), Ts) };
}

/**
 * sgld-inner: one Entropy-SGD inner loop of 20 steps from the anchor x (docs/performance.md §sgld-inner):
 * g ← ∇F(y); y ← y − η(g + (y − x)/γ) + √(2η/β)·ξ; μ ← (1 − α)μ + αy — the library's
 * `entropySgdInner` (coupling 1/γ = 10, the workload's scope γ = 0.1), whose normal draws come
 * from the optimizers' seeded generator (part of the timed work), a fresh key per loop.
 * `compiled` (sgld-inner-compiled): the gradients come from the compiled plan and the loop from
 * `compileLangevinInner` (src/compiled: preallocated buffers, the draws filled per step from the
 * same keyed stream, one fused pass per leaf) — the same iterates, bit for bit.
 */
export function sgldInner(compiled = false) {
  const { eta, gamma, beta, alpha, steps } = sgldConst;
  const { loss, Xs, Ts } = sgldData();
  const x = tinyParams();
  const vg = valueAndGrad(loss);
  const gradAt = (y: Tree): Tree => vg(y as mlp.MlpParams).grad;
  const coupling = 1 / gamma;
  const opts = (b: number) => ({ innerLr: eta, innerSteps: steps, gamma: coupling, gammaScoping: 0, alpha, beta: b });
  const noisy = opts(beta),
    quiet = opts(Infinity);
  const k0 = key(20240611);
  let loops = 0;
  const g = compiled ? compileGradAt(tinyCfg, "mse", Xs, Ts) : gradAt;
  type Inner = (k: Key | undefined) => { y: Tree; mu: Tree };
  const innerOf = (o: ReturnType<typeof opts>): Inner => {
    if (!compiled) return (k) => entropySgdInner(x, g(x), g, k, o, coupling);
    const inner = compileLangevinInner(x, o);
    return (k) => inner(x, g(x), g, k, coupling);
  };
  const noisyInner = innerOf(noisy),
    quietInner = innerOf(quiet);
  return {
    run: () => noisyInner(foldIn(k0, loops++)),
    check: () => {
      const { y, mu } = quietInner(undefined);
      const xl = leaves(x);
      let sq = 0,
        sm = 0;
      leaves(y).forEach((t, j) =>
        t.data.forEach((v, i) => {
          sq += (v - xl[j].data[i]) ** 2;
        }),
      );
      for (const t of leaves(mu)) for (const v of t.data) sm += v;
      return [loss(x as mlp.MlpParams).item(), loss(y as mlp.MlpParams).item(), sq, sm];
    },
  };
}
