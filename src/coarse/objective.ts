/**
 * Adapters that turn losses into `Objective`s on flat vectors:
 *   - treeObjective: a scalar function of a param tree, through `ravel`/`unravel` (the vector is the
 *     params in leaf order, as `ravel(params)`), gradients and HVPs by the autodiff;
 *   - modelObjective: model + data + loss name (the network losses of docs/file-formats.md §losses);
 *   - quadraticObjective: ½yᵀAy + bᵀy + c (closed form docs/theory.md §C1, used as an oracle);
 *   - mappedObjective: f∘φ for a coordinate map φ: ℝᵏ → ℝⁿ (slices, quotient coordinates), with the
 *     chain rule ∇(f∘φ)(s) = J_φ(s)ᵀ ∇f(φ(s)) when φ has a pullback, else central differences.
 */
import { Tensor } from "../core/tensor.ts";
import { valueAndGrad, hvp as hvpOf } from "../core/autodiff.ts";
import { noGrad } from "../core/tape.ts";
import { type Tree, ravel, unravel, treeSize } from "../core/tree.ts";
import { isRegistryModel, type Model } from "../nn/registry.ts";
import { lossFn, type LossName } from "../nn/losses.ts";
import { InputError } from "../errors.ts";
import type { EvaluationCount, Objective, PortableObjective } from "./types.ts";

export type { EvaluationCount };

/** f(params) as a function of the flat vector ravel(params); `template` fixes the tree structure. */
export function treeObjective<T extends Tree>(loss: (params: T) => Tensor, template: T): Objective {
  const vg = valueAndGrad(loss);
  const hv = hvpOf(loss);
  const tree = (y: Float64Array) => unravel(template, y);
  return {
    dim: treeSize(template),
    value: (y) => noGrad(() => loss(tree(y))).item(),
    valueAndGrad: (y) => {
      const r = vg(tree(y));
      return { value: r.value.item(), grad: ravel(r.grad) };
    },
    hvp: (y, v) => ravel(hv(tree(y), tree(v)).hvp),
  };
}

/**
 * The training loss L(θ) = loss(model(θ, x), y) of a model on a data set, on flat parameter vectors.
 * For a registry model (`modelOf`) it is `portable`: another thread rebuilds it from the config,
 * the template's structure, the data and the loss name (the data as they are when it does).
 */
export function modelObjective(model: Model, template: Tree, x: Tensor, y: Tensor, loss: LossName): Objective {
  const L = lossFn(loss);
  const obj = treeObjective((p: Tree) => L(model.apply(p, x), y), template);
  if (!isRegistryModel(model)) return obj;
  const portable: PortableObjective = { kind: "model", config: model.config, template, x, y, loss };
  return { ...obj, portable };
}

type Matrix = readonly (readonly number[])[];

/** f(y) = ½yᵀAy + bᵀy + c (A symmetric), with exact gradient Ay + b and HVP Av. */
export function quadraticObjective(A: Matrix, b: readonly number[], c = 0): Objective {
  const n = A.length;
  if (b.length !== n || A.some((r) => r.length !== n))
    throw new InputError(`quadratic: A must be ${n}×${n} and b of length ${n}`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++)
      if (Math.abs(A[i][j] - A[j][i]) > 1e-12 * (Math.abs(A[i][j]) + Math.abs(A[j][i])))
        throw new InputError(`quadratic: A is not symmetric at (${i}, ${j})`);
  }
  const mv = (v: Float64Array) => {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i] += A[i][j] * v[j];
    return out;
  };
  const value = (y: Float64Array, Ay: Float64Array) => {
    let s = c;
    for (let i = 0; i < n; i++) s += y[i] * (0.5 * Ay[i] + b[i]);
    return s;
  };
  return {
    dim: n,
    value: (y) => value(y, mv(y)),
    valueAndGrad: (y) => {
      const Ay = mv(y);
      return { value: value(y, Ay), grad: Ay.map((v, i) => v + b[i]) };
    },
    hvp: (_y, v) => mv(v),
  };
}

/** A coordinate map φ: ℝᵏ → ℝⁿ, optionally with its pullback (s, g) ↦ J_φ(s)ᵀ g. */
export interface CoordinateMap {
  readonly dim: number;
  map(s: Float64Array): Float64Array;
  pullback?(s: Float64Array, g: Float64Array): Float64Array;
  /** Hessian-vector product of f∘φ, when the map can provide it (affine slices: Dᵀ∇²f D v). */
  hvp?(obj: Objective, s: Float64Array, v: Float64Array): Float64Array;
}

/**
 * f∘φ. With a pullback and ∇f, the gradient is exact; otherwise it is the central difference
 * (g(s + εeᵢ) − g(s − εeᵢ))/(2ε), ε = 1e-6·max(1, |sᵢ|). MALA stays exact with an approximate
 * gradient (the proposal density it uses is the one it corrects for), so FD gradients cost
 * efficiency there, not correctness.
 */
export function mappedObjective(obj: Objective, phi: CoordinateMap): Objective {
  const value = (s: Float64Array) => obj.value(phi.map(s));
  const exact = phi.pullback !== undefined && obj.valueAndGrad !== undefined;
  return {
    dim: phi.dim,
    value,
    valueAndGrad: (s) => {
      if (exact) {
        const r = obj.valueAndGrad!(phi.map(s));
        return { value: r.value, grad: phi.pullback!(s, r.grad) };
      }
      const grad = new Float64Array(phi.dim);
      for (let i = 0; i < phi.dim; i++) {
        const eps = 1e-6 * Math.max(1, Math.abs(s[i]));
        const sp = Float64Array.from(s);
        const sm = Float64Array.from(s);
        sp[i] += eps;
        sm[i] -= eps;
        grad[i] = (value(sp) - value(sm)) / (2 * eps);
      }
      return { value: value(s), grad };
    },
    ...(phi.hvp ? { hvp: (s: Float64Array, v: Float64Array) => phi.hvp!(obj, s, v) } : {}),
  };
}

/**
 * The same objective, calling `onEvaluation` after every evaluation of f with its kind (value,
 * value and gradient, or Hessian-vector product): how a command shows the progress of an
 * estimator, and how the estimators count their cost. A portable objective stays portable:
 * evaluations made on another thread are reported to `onEvaluation` when that thread is done.
 */
export function countedObjective(obj: Objective, onEvaluation: (kind: keyof EvaluationCount) => void): Objective {
  const counted =
    <A extends unknown[], R>(kind: keyof EvaluationCount, f: (...a: A) => R) =>
    (...a: A): R => {
      const r = f(...a);
      onEvaluation(kind);
      return r;
    };
  return {
    dim: obj.dim,
    value: counted("values", (y: Float64Array) => obj.value(y)),
    ...(obj.valueAndGrad ? { valueAndGrad: counted("gradients", obj.valueAndGrad.bind(obj)) } : {}),
    ...(obj.hvp ? { hvp: counted("hvps", obj.hvp.bind(obj)) } : {}),
    ...(obj.portable
      ? {
          portable: obj.portable,
          evaluatedElsewhere: (c: EvaluationCount) => {
            for (const kind of ["values", "gradients", "hvps"] as const)
              for (let i = 0; i < c[kind]; i++) onEvaluation(kind);
            obj.evaluatedElsewhere?.(c);
          },
        }
      : {}),
  };
}

/** The same objective, counting its evaluations in `count` (the cost column of the estimators). */
export function countingObjective(obj: Objective): { objective: Objective; count: EvaluationCount } {
  const count: EvaluationCount = { values: 0, gradients: 0, hvps: 0 };
  return { objective: countedObjective(obj, (kind) => count[kind]++), count };
}

/** Total evaluations of a count. */
export function totalEvaluations(c: EvaluationCount): number {
  return c.values + c.gradients + c.hvps;
}
