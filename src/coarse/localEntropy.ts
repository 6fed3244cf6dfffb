/**
 * `localEntropy(f, x, {t, beta, method, …})`: the local entropy (docs/theory.md §a.1)
 *
 *   u(x,t) = −β⁻¹ log[(2πt/β)^{−n/2} ∫ exp(−βf(y) − β|x−y|²/(2t)) dy],   ∇u = (x − ⟨y⟩)/t,
 *
 * with ν = 1/(2β), by one of four estimators that must agree (docs/local-entropy.md):
 *   - "importance": importance sampling from the kernel, a shifted kernel, or a Laplace mixture at
 *     the Gibbs kernel's modes (importance.ts, laplace.ts);
 *   - "smc": tempering sequential Monte Carlo over the loss coupling λ, replicated (smc.ts);
 *   - "sgld": Metropolis-adjusted Langevin (the Entropy-SGD inner loop) for ∇u, thermodynamic
 *     integration over the loss coupling for u (sgld.ts);
 *   - "quadrature": log-sum-exp trapezoid on a 1-D/2-D objective — a slice (quadrature.ts);
 * or "auto" (the default when `method` is omitted), which picks one from cheap diagnostics,
 * cross-checks when they call for it and says why (auto.ts). Error bars are null when their
 * diagnostics fail; `reliability` says why.
 * f is an `Objective` on Float64Array vectors (then grad is a Float64Array), or a scalar function
 * of a param tree (then x is the tree and grad has its structure).
 */
import type { Tensor } from "../core/tensor.ts";
import { type Tree, ravel, unravel } from "../core/tree.ts";
import { InputError } from "../errors.ts";
import { importanceEstimate } from "./importance.ts";
import { sgldEstimate } from "./sgld.ts";
import { quadratureEstimate } from "./quadrature.ts";
import { smcEstimate } from "./smc.ts";
import { autoEstimate } from "./auto.ts";
import { treeObjective } from "./objective.ts";
import { METHODS, type LocalEntropyOptions, type LocalEntropyResult, type Objective } from "./types.ts";
import { fieldError } from "../validate.ts";

export function localEntropy(f: Objective, x: Float64Array, o: LocalEntropyOptions): LocalEntropyResult<Float64Array>;
export function localEntropy<T extends Tree>(
  f: (params: T) => Tensor,
  x: T,
  o: LocalEntropyOptions,
): LocalEntropyResult<T>;
export function localEntropy(
  f: Objective | ((p: Tree) => Tensor),
  x: Float64Array | Tree,
  o: LocalEntropyOptions,
): LocalEntropyResult<Float64Array | Tree> {
  if (o === null || typeof o !== "object") throw new InputError("localEntropy: options {t, beta} are required");
  if (x instanceof Float64Array) {
    if (typeof f === "function")
      throw new InputError(
        "localEntropy: with a Float64Array x, f must be an Objective (see treeObjective for param trees)",
      );
    return estimate(f, x, o);
  }
  if (typeof f !== "function")
    throw new InputError("localEntropy: with a param-tree x, f must be a function of the tree");
  const r = estimate(treeObjective(f, x), ravel(x), o);
  return { ...r, grad: unravel(x, r.grad) };
}

function estimate(obj: Objective, x: Float64Array, o: LocalEntropyOptions): LocalEntropyResult {
  switch (o.method) {
    case undefined:
    case "auto":
      return autoEstimate(obj, x, o);
    case "smc":
      return smcEstimate(obj, x, o);
    case "importance":
      return importanceEstimate(obj, x, o);
    case "sgld":
      return sgldEstimate(obj, x, o);
    case "quadrature":
      return quadratureEstimate(obj, x, o);
    default:
      throw fieldError("method", `one of ${METHODS.join(", ")}`, (o as { method: unknown }).method);
  }
}
