/**
 * Linear operators on the flat parameter vector built from a scalar loss over a param tree:
 * the Hessian H (exact HVPs, reverse-over-reverse) and, given an orthogonal projector P, its
 * restriction P H P. Flat vectors follow `ravel`'s leaf order.
 */
import type { Tensor } from "../core/tensor.ts";
import { hvp } from "../core/autodiff.ts";
import { type Tree, ravel, unravel, treeSize } from "../core/tree.ts";
import type { LinearOperator, Projector } from "./lanczos.ts";

/** v ↦ ∇²f(θ) v on flat vectors. */
export function hessianOperator<T extends Tree>(f: (p: T) => Tensor, params: T): LinearOperator {
  const n = treeSize(params);
  const h = hvp(f);
  return {
    n,
    apply(v) {
      const r = h(params, unravel(params, Float64Array.from(v)));
      return ravel(r.hvp);
    },
  };
}

/** v ↦ P A P v: A restricted to range(P) (P an orthogonal projector). */
export function restrictedOperator(op: LinearOperator, project: Projector): LinearOperator {
  return { n: op.n, apply: (v) => project(op.apply(project(v))) };
}

/** The dense matrix of an operator (n×n row-major), column by column — for tests and tiny models. */
export function denseMatrix(op: LinearOperator): Float64Array {
  const n = op.n;
  const A = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    e.fill(0);
    e[j] = 1;
    const col = op.apply(e);
    for (let i = 0; i < n; i++) A[i * n + j] = col[i];
  }
  return A;
}
