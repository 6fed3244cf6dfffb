/**
 * The lazily computed, memoised quantities observables share: the canonical representative θ_c,
 * gradients at θ and θ_c, the horizontal projector at θ_c and the Lanczos spectra — each computed
 * at most once per `observe` call, and only if some requested observable needs it.
 */
import type { Tensor } from "../core/tensor.ts";
import type { Key } from "../core/random.ts";
import { valueAndGrad } from "../core/autodiff.ts";
import { type Tree, ravel } from "../core/tree.ts";
import type { SymmetryGroup, CanonicalForm, HorizontalProjector } from "../symmetry/index.ts";
import { hessianOperator, extremeEigenpairs, type Projector } from "../curvature/index.ts";

export type Value = number | Record<string, number>;

export interface Spectrum extends Record<string, number> {
  lambdaMax: number;
  lambdaMin: number;
  steps: number;
}

export interface Context {
  group: SymmetryGroup;
  params: Tree;
  canonical(): CanonicalForm;
  /** The horizontal projector at the canonical representative θ_c. */
  projector(): HorizontalProjector;
  invariants(): Record<string, Tensor>;
  loss(): number;
  grad(p: Tree): Tree;
  horizontalGradNorm(): number;
  balancedNorms(): Record<string, number>;
  nuclearNorms(): Record<string, number>;
  rawHessian(): Spectrum;
  quotientHessian(): Spectrum;
}

export function l2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function once<T>(f: () => T): () => T {
  let done = false,
    v: T;
  return () => {
    if (!done) {
      v = f();
      done = true;
    }
    return v;
  };
}

/** How the Lanczos spectra run; `onHvp` is told after every Hessian-vector product (progress). */
export interface HessianSettings {
  steps?: number;
  key: Key;
  onHvp?: () => void;
}

function spectrum(f: (p: Tree) => Tensor, at: Tree, opts: HessianSettings, project?: Projector): Spectrum {
  const H = hessianOperator(f, at);
  const onHvp = opts.onHvp;
  const op = onHvp
    ? {
        n: H.n,
        apply: (v: Float64Array) => {
          const r = H.apply(v);
          onHvp();
          return r;
        },
      }
    : H;
  const r = extremeEigenpairs(op, { k: 1, steps: opts.steps ?? 40, key: opts.key, project });
  return { lambdaMax: r.top.values[0] ?? 0, lambdaMin: r.bottom.values[0] ?? 0, steps: r.steps };
}

export function makeContext(o: {
  group: SymmetryGroup;
  params: Tree;
  f?: (p: Tree) => Tensor;
  hessian?: HessianSettings;
}): Context {
  const { group, params, f } = o;
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`observable needs ${what}`);
    return v;
  };
  const canonical = once(() => group.canonicalForm(params));
  const projector = once((): HorizontalProjector => group.horizontalProjector(canonical().params));
  const grads = new Map<Tree, Tree>();
  const grad = (p: Tree) => {
    if (!grads.has(p)) grads.set(p, valueAndGrad(need(f, "data"))(p).grad);
    return grads.get(p) as Tree;
  };
  return {
    group,
    params,
    canonical,
    projector,
    invariants: once(() => group.invariants(params, canonical())),
    loss: once(() => need(f, "data")(params).item()),
    grad,
    horizontalGradNorm: once(() => l2(projector().projectFlat(ravel(grad(canonical().params))))),
    balancedNorms: once(() => group.balancedNorms(canonical().params)),
    nuclearNorms: once(() => group.nuclearNorms(canonical().params)),
    rawHessian: once(() => spectrum(need(f, "data"), params, need(o.hessian, "the hessian option"))),
    quotientHessian: once(() =>
      spectrum(need(f, "data"), canonical().params, need(o.hessian, "the hessian option"), projector().projectFlat),
    ),
  };
}
