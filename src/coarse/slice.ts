/**
 * Slices: the restriction g(s) = f(x + Σᵢ sᵢdᵢ) of an objective to the line/plane through x
 * spanned by orthonormal directions dᵢ. The local entropy of g at s = 0 is the exact k-D local
 * entropy of the slice function — what quadrature can compute — and differs from the full n-D u
 * (the Gaussian kernel then smooths only along the slice). Running every estimator on the same
 * slice objective makes the three methods comparable on identical problems.
 *
 * Directions: given (orthonormalised), random (Gaussian, then Gram–Schmidt, from an explicit
 * key), or the extreme Hessian eigen-directions at x (Lanczos with full reorthogonalisation,
 * Rayleigh–Ritz on the tridiagonal matrix, HVPs from the objective).
 */
import { InputError } from "../errors.ts";
import { type Key, normalArray, foldIn } from "../core/random.ts";
import { mappedObjective, type CoordinateMap } from "./objective.ts";
import { orthonormalize, dot, axpy, norm } from "../linalg/vector.ts";
import { extremeEigenpairs } from "../curvature/lanczos.ts";
import type { Objective } from "./types.ts";

export interface Slice {
  /** The objective g(s) on slice coordinates s ∈ ℝᵏ. */
  objective: Objective;
  /** The slice coordinates of x itself (the zero vector). */
  origin: Float64Array;
  /** Orthonormal directions dᵢ in parameter space. */
  directions: Float64Array[];
  x: Float64Array;
}

/** The affine map s ↦ x + Ds (D = [d₁ … d_k]) with pullback Dᵀg and HVP Dᵀ∇²f D v. */
export function affineMap(x: Float64Array, dirs: readonly Float64Array[]): CoordinateMap {
  const n = x.length;
  const k = dirs.length;
  const lift = (s: ArrayLike<number>, base: Float64Array | null) => {
    const y = base ? Float64Array.from(base) : new Float64Array(n);
    for (let i = 0; i < k; i++) axpy(y, s[i], dirs[i]);
    return y;
  };
  const project = (g: Float64Array) => Float64Array.from(dirs, (d) => dot(d, g));
  return {
    dim: k,
    map: (s) => lift(s, x),
    pullback: (_s, g) => project(g),
    hvp: (obj, s, v) => {
      if (!obj.hvp) throw new InputError("this objective has no Hessian-vector product");
      return project(obj.hvp(lift(s, x), lift(v, null)));
    },
  };
}

/** The slice of `obj` through x along `dirs` (orthonormalised here; InputError when degenerate). */
export function sliceObjective(obj: Objective, x: Float64Array, dirs: readonly ArrayLike<number>[]): Slice {
  if (dirs.length < 1) throw new InputError("slice: need at least one direction", { field: "slice" });
  dirs.forEach((d, i) => {
    if (d.length !== obj.dim)
      throw new InputError(`slice: direction ${i} has length ${d.length}, expected ${obj.dim}`, { field: "slice" });
    for (let j = 0; j < d.length; j++)
      if (!Number.isFinite(d[j]))
        throw new InputError(`slice: direction ${i} holds ${d[j]} at ${j}`, { field: "slice" });
  });
  const q = orthonormalize(dirs);
  if (!q) throw new InputError("slice: directions are zero or linearly dependent", { field: "slice" });
  const xx = Float64Array.from(x);
  return {
    objective: mappedObjective(obj, affineMap(xx, q)),
    origin: new Float64Array(q.length),
    directions: q,
    x: xx,
  };
}

/** k orthonormal random directions in ℝⁿ (standard normal, then Gram–Schmidt). */
export function randomDirections(k: Key, n: number, count: number): Float64Array[] {
  if (count > n) throw new InputError(`slice: ${count} directions in a ${n}-dimensional space`, { field: "slice" });
  for (let attempt = 0; attempt < 8; attempt++) {
    const raw = Array.from({ length: count }, (_, i) => normalArray(foldIn(k, 1000 * attempt + i), n));
    const q = orthonormalize(raw);
    if (q) return q;
  }
  throw new Error("randomDirections: could not draw independent directions");
}

export interface HessianDirections {
  directions: Float64Array[];
  /** Ritz values (Hessian curvature along each direction). */
  eigenvalues: number[];
  /** ‖∇²f d − θd‖ per direction (convergence check). */
  residuals: number[];
}

/**
 * The `count` Hessian eigen-directions of f at x with the largest (or smallest = most negative:
 * the shock-forming) eigenvalues, by `steps` Lanczos iterations with full reorthogonalisation.
 */
export function hessianDirections(
  obj: Objective,
  x: Float64Array,
  count: number,
  opts: { key: Key; which?: "largest" | "smallest"; steps?: number },
): HessianDirections {
  const hvp = obj.hvp;
  if (!hvp)
    throw new InputError("slice: Hessian directions need an objective with Hessian-vector products", {
      field: "slice",
    });
  const n = obj.dim;
  const m = Math.min(n, opts.steps ?? 40);
  if (count > m) throw new InputError(`slice: ${count} Hessian directions from ${m} Lanczos steps`, { field: "slice" });
  const op = { n, apply: (v: Float64Array) => hvp(x, v) };
  const { top, bottom } = extremeEigenpairs(op, { k: count, steps: m, key: opts.key, vectors: true });
  const pairs = (opts.which ?? "largest") === "largest" ? top : bottom;
  if (pairs.values.length < count)
    throw new InputError(
      `slice: only ${pairs.values.length} Hessian directions found (the Krylov space closed early)`,
      { field: "slice" },
    );
  const directions = pairs.vectors as Float64Array[];
  // True residuals ‖∇²f d − θd‖ (one HVP each), not Lanczos' estimate.
  const residuals = directions.map((d, i) => {
    const Hd = hvp(x, d);
    axpy(Hd, -pairs.values[i], d);
    return norm(Hd);
  });
  return { directions, eigenvalues: pairs.values, residuals };
}
