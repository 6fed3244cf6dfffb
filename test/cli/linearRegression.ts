/**
 * A linear regression written as CLI input files (model config, weights, data): d features + bias,
 * mse on max(32, 2d) points, weights at their initialisation (away from the minimum). The loss is
 * exactly quadratic, so docs/theory.md §C1 gives u and ∇u in closed form: A = ∇²f, b = ∇f(0),
 * c = f(0) read off the loss itself.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Tensor } from "../../src/core/tensor.ts";
import { key, split, normal } from "../../src/core/random.ts";
import { modelOf, parseModelConfig } from "../../src/nn/index.ts";
import { saveTree } from "../../src/nn/files.ts";
import { writeSafetensors } from "../../src/io/safetensors.ts";
import { ravel } from "../../src/core/tree.ts";
import { modelObjective } from "../../src/coarse/index.ts";
import { denseHessian } from "../../src/coarse/gaussian.ts";
import { quadraticSolution } from "../../src/pde/exact/quadratic.ts";

export interface LinearRegression {
  /** `entropy --model … --weights … --data …` */
  args: string[];
  params: number;
  /** |∇f(θ)|² at the weights. */
  gradSq: number;
  /** Closed-form u(θ, t, β) and |∇u(θ, t)|. */
  u(t: number, beta: number): number;
  gradNorm(t: number): number;
}

/** Files named `${name}.json`, `${name}.safetensors`, `${name}-data.safetensors` in `dir`. */
export function linearRegression(dir: string, name: string, features: number, seed = 1): LinearRegression {
  const cfg = { arch: "mlp", sizes: [features, 1], activation: "identity" };
  const model = modelOf(parseModelConfig(cfg));
  const [kp, kx] = split(key(seed), 2);
  const params = model.init(kp);
  const N = Math.max(32, 2 * features);
  const X = normal(kx, [N, features]);
  const coef = (j: number) => (j < 3 ? [2, -1, 0.5][j] : Math.cos(j));
  const Y = new Tensor(
    Float64Array.from({ length: N }, (_, i) => {
      let v = 1;
      for (let j = 0; j < features; j++) v += coef(j) * X.data[features * i + j];
      return v;
    }),
    [N, 1],
  );
  const p = (f: string) => join(dir, f);
  writeFileSync(p(`${name}.json`), JSON.stringify(cfg));
  saveTree(p(`${name}.safetensors`), params);
  writeSafetensors(p(`${name}-data.safetensors`), {
    x: { dtype: "F64", shape: [N, features], data: X.data },
    y: { dtype: "F64", shape: [N, 1], data: Y.data },
  });
  const obj = modelObjective(model, params, X, Y, "mse");
  const n = obj.dim;
  const zero = new Float64Array(n);
  const H = denseHessian(obj, zero);
  const A = Array.from({ length: n }, (_, i) => Array.from(H.subarray(n * i, n * i + n)));
  const exact = quadraticSolution(A, Array.from(obj.valueAndGrad!(zero).grad), obj.value(zero));
  const theta = ravel(params);
  const g = obj.valueAndGrad!(theta).grad;
  return {
    args: [
      "--model",
      p(`${name}.json`),
      "--weights",
      p(`${name}.safetensors`),
      "--data",
      p(`${name}-data.safetensors`),
    ],
    params: n,
    gradSq: g.reduce((s, v) => s + v * v, 0),
    u: (t, beta) => exact.u(Array.from(theta), t, beta),
    gradNorm: (t) => Math.hypot(...exact.p(Array.from(theta), t)),
  };
}
