/**
 * Reverse-mode autodiff over recorded graphs, and the function transforms built on it:
 * `grad`, `valueAndGrad`, `vjp`, `jvp`, `hvp`, `perSampleGrads`.
 *
 * Nesting works like JAX: a transform applied while an outer one is tracing differentiates with
 * respect to fresh identity nodes of its inputs and records its own backward pass, so the outer
 * transform can differentiate through it. That is how `hvp` is exactly ∇⟨∇f, v⟩.
 */
import { Tensor, ones, sameShape } from "./tensor.ts";
import * as Ops from "./ops/index.ts";
import { isTracing, setTracing, withTracing } from "./tape.ts";
import { beginOwnership, endOwnership, isOwned, recycle, recyclable } from "./kernels/alloc.ts";
import { type Tree, leaves, unflatten } from "./tree.ts";

/**
 * The op namespace as a plain object (same functions), handed to every VJP rule. Under the
 * TypeScript loader the bench and tests run with, `import * as` yields a namespace whose
 * properties are read through a dictionary lookup and an accessor call each time, ~30 times per
 * tiny-network gradient; a plain object's are ordinary fast property loads.
 */
const F: typeof Ops = Object.freeze({ ...Ops });

/**
 * Cotangents of `wrt` for outputs seeded with `seeds`: Σ_k seedₖ·∂outₖ/∂wrt. Returns zeros for
 * wrt tensors the outputs do not depend on. With `createGraph`, the computation is itself recorded.
 *
 * The pass keeps its bookkeeping (visited, leads-to-wrt, cotangent) in scratch fields of the
 * tensors, stamped with a pass number, instead of hash maps. A pass started from inside another
 * one (a VJP rule that itself differentiates) stamps its own number and, when it ends, puts back
 * the cotangent and wrt fields it changed, so the outer pass finds its own bookkeeping intact.
 */
export function backward(
  outputs: readonly Tensor[],
  seeds: readonly Tensor[],
  wrt: readonly Tensor[],
  createGraph = false,
): Tensor[] {
  const nested = active > 0;
  active++;
  const pass = ++passCounter;
  // Every pass that ends restores the cotangents it set, so when none is running every _ct is
  // null: a pass that is not nested only has to clear the ones it set, not remember them.
  const touched: Touched = { tensors: [], before: nested ? { ct: [], ctPass: [] } : null };
  const wrtBefore = nested ? wrt.map((w) => w._wrt) : null;
  // A pass that is not recorded (and not inside another) recycles the large cotangent arrays it
  // allocated once they are dead (kernels/alloc.ts); `held` counts the cotangent slots holding
  // each such array. Only one pass at a time recycles (beginOwnership), so it can use the one
  // module-level map, emptied when the pass ends.
  const recycling = !nested && !createGraph && RECYCLE && beginOwnership();
  const held = recycling ? HELD : null;
  try {
    for (const w of wrt) w._wrt = pass;
    const order = reachingOrder(outputs, pass);
    for (let i = 0; i < outputs.length; i++) {
      const o = outputs[i];
      if (!sameShape(o.shape, seeds[i].shape))
        throw new Error(`backward: seed shape [${seeds[i].shape}] for output [${o.shape}]`);
      accumulate(o, seeds[i], pass, touched, held);
    }
    const prev = setTracing(createGraph);
    try {
      for (let i = order.length - 1; i >= 0; i--) {
        const t = order[i];
        const g = t._ctPass === pass ? t._ct : null;
        const node = t.node;
        if (g === null || node === null) continue;
        const grads = node.op.vjp(F, g, node.inputs, t, node.attrs);
        const inputs = node.inputs;
        for (let j = 0; j < inputs.length; j++) {
          const x = inputs[j];
          const gx = grads[j];
          if (gx && x.requiresGrad) accumulate(x, gx, pass, touched, held);
        }
        if (t._wrt !== pass) {
          t._ct = null; // free intermediate cotangents early
          if (held !== null) {
            drop(held, g.data);
            // Contributions that were summed into a cotangent and are held nowhere are dead too
            // (only large arrays are ever held or recycled: the length test spares the map lookups).
            for (let j = 0; j < grads.length; j++) {
              const gx = grads[j];
              if (gx && recyclable(gx.data.length) && !held.has(gx.data) && isOwned(gx.data)) recycle(gx.data);
            }
          }
        }
      }
    } finally {
      setTracing(prev);
    }
    const out = new Array<Tensor>(wrt.length);
    for (let i = 0; i < wrt.length; i++) {
      const w = wrt[i];
      out[i] = (w._ctPass === pass ? w._ct : null) ?? new Tensor(new Float64Array(w.size), w.shape);
    }
    return out;
  } finally {
    const { tensors, before } = touched;
    if (before === null) for (let i = 0; i < tensors.length; i++) tensors[i]._ct = null;
    else {
      for (let i = tensors.length - 1; i >= 0; i--) {
        tensors[i]._ct = before.ct[i];
        tensors[i]._ctPass = before.ctPass[i];
      }
    }
    for (let i = 0; i < wrt.length; i++) wrt[i]._wrt = wrtBefore === null ? 0 : wrtBefore[i];
    if (recycling) {
      endOwnership();
      if (HELD.size !== 0) HELD.clear();
    }
    active--;
  }
}

/**
 * The tensors whose cotangent a pass set, with the cotangent and pass each held before (kept by
 * nested passes only: an outer pass is using them).
 */
interface Touched {
  tensors: Tensor[];
  before: { ct: (Tensor | null)[]; ctPass: number[] } | null;
}

/** The slot counts of the recycling pass (at most one runs at a time). */
const HELD = new Map<Float64Array, number>();

/** SHOCKLENS_NO_RECYCLE=1 switches the recycling of dead cotangent arrays off (for diagnosis). */
const RECYCLE = process.env.SHOCKLENS_NO_RECYCLE !== "1";

let passCounter = 0;
let active = 0;

function accumulate(
  t: Tensor,
  g: Tensor,
  pass: number,
  touched: Touched,
  held: Map<Float64Array, number> | null,
): void {
  if (t._ctPass !== pass) {
    touched.tensors.push(t);
    if (touched.before !== null) {
      touched.before.ct.push(t._ct);
      touched.before.ctPass.push(t._ctPass);
    }
    t._ct = g;
    t._ctPass = pass;
    if (held !== null) hold(held, g.data);
  } else {
    const prev = t._ct as Tensor;
    const sum = F.add(prev, g);
    t._ct = sum;
    if (held !== null) {
      hold(held, sum.data);
      drop(held, prev.data);
    }
  }
}

function hold(held: Map<Float64Array, number>, a: Float64Array): void {
  if (recyclable(a.length)) held.set(a, (held.get(a) ?? 0) + 1);
}

/** One slot fewer holds `a`; recycle it when none does and the pass allocated it. */
function drop(held: Map<Float64Array, number>, a: Float64Array): void {
  if (!recyclable(a.length)) return;
  const n = (held.get(a) ?? 0) - 1;
  if (n > 0) {
    held.set(a, n);
    return;
  }
  held.delete(a);
  if (isOwned(a)) recycle(a);
}

/**
 * Nodes from which some wrt tensor (stamped `_wrt === pass`) is reachable, in topological order
 * (inputs before users). Iterative DFS, so deep graphs cannot overflow the stack. The traversal
 * does not look through wrt tensors (a wrt tensor is a variable even when it was computed).
 */
function reachingOrder(outputs: readonly Tensor[], pass: number): Tensor[] {
  const order: Tensor[] = [];
  // The DFS stacks are module-level scratch (the walk calls nothing that could start another
  // walk, and it leaves them empty), so they are not allocated and grown on every pass.
  const stackT = STACK_T;
  const stackK = STACK_K;
  for (const o of outputs) {
    if (!o.requiresGrad || o._visit === pass) continue;
    o._visit = pass;
    o._leads = false;
    stackT.push(o);
    stackK.push(0);
    while (stackT.length) {
      const top = stackT.length - 1;
      const t = stackT[top];
      const k = stackK[top];
      const inputs = t.node !== null && t._wrt !== pass ? t.node.inputs : EMPTY;
      if (k < inputs.length) {
        stackK[top] = k + 1;
        const x = inputs[k];
        if (x.requiresGrad && x._visit !== pass) {
          x._visit = pass;
          x._leads = false;
          stackT.push(x);
          stackK.push(0);
        }
        continue;
      }
      stackT.pop();
      stackK.pop();
      let leads = t._wrt === pass;
      for (let i = 0; i < inputs.length && !leads; i++) {
        const x = inputs[i];
        if (x._visit === pass && x._leads) leads = true;
      }
      t._leads = leads;
      if (leads) order.push(t);
    }
  }
  return order;
}

const EMPTY: readonly Tensor[] = [];
const STACK_T: Tensor[] = [];
const STACK_K: number[] = [];

/** Fresh differentiation variables for the leaves of `tree`, and whether to record the backward pass. */
function variables<T extends Tree>(tree: T): { vars: T; leafVars: Tensor[]; nested: boolean } {
  const ls = leaves(tree);
  let nested = false;
  if (isTracing()) for (let i = 0; i < ls.length && !nested; i++) nested = ls[i].requiresGrad;
  const leafVars = new Array<Tensor>(ls.length);
  for (let i = 0; i < ls.length; i++) {
    const t = ls[i];
    const v = nested ? F.identity(t) : new Tensor(t.data, t.shape, true);
    v.requiresGrad = true;
    leafVars[i] = v;
  }
  return { vars: unflatten(tree, leafVars), leafVars, nested };
}

function checkScalar(out: Tensor, what: string): void {
  if (out.size !== 1) throw new Error(`${what}: the function must return a scalar, got shape [${out.shape}]`);
}

export type ScalarFn<T extends Tree, A extends unknown[]> = (params: T, ...args: A) => Tensor;

/** (params, …args) ↦ { value, grad } with grad = ∇_params f (same tree structure). */
export function valueAndGrad<T extends Tree, A extends unknown[]>(f: ScalarFn<T, A>) {
  return (params: T, ...args: A): { value: Tensor; grad: T } => {
    const { vars, leafVars, nested } = variables(params);
    // withTracing(true, …) written out: no closure per call, and no spread call without arguments.
    const prev = setTracing(true);
    let value: Tensor;
    try {
      value = args.length === 0 ? (f as unknown as (p: T) => Tensor)(vars) : f(vars, ...args);
    } finally {
      setTracing(prev);
    }
    checkScalar(value, "valueAndGrad");
    const g = backward([value], [ones(value.shape)], leafVars, nested);
    return { value, grad: unflatten(params, g) };
  };
}

/** (params, …args) ↦ ∇_params f. */
export function grad<T extends Tree, A extends unknown[]>(f: ScalarFn<T, A>) {
  const vg = valueAndGrad(f);
  return (params: T, ...args: A): T => vg(params, ...args).grad;
}

/**
 * Reverse-mode vector-Jacobian product of a tensor-valued f at `params`: returns f(params) and a
 * function mapping a cotangent (shaped like the output) to its pullback (shaped like params).
 */
export function vjp<T extends Tree>(f: (params: T) => Tensor, params: T): { out: Tensor; pullback: (ct: Tensor) => T } {
  const { vars, leafVars, nested } = variables(params);
  const out = withTracing(true, () => f(vars));
  // The pullback is recorded when an outer transform differentiates through it — with respect to
  // the primals (nested) or to the cotangent itself (as jvp does).
  const pullback = (ct: Tensor) =>
    unflatten(params, backward([out], [ct], leafVars, nested || (isTracing() && ct.requiresGrad)));
  return { out, pullback };
}

/**
 * Forward-mode product J·v of a tensor-valued f, by transposing the (linear) pullback:
 * J v = ∇_u ⟨J^T u, v⟩. Exact, at the cost of two reverse passes.
 */
export function jvp<T extends Tree>(
  f: (params: T) => Tensor,
  params: T,
  tangent: T,
): { out: Tensor; tangentOut: Tensor } {
  const { out, pullback } = withTracing(true, () => vjp(f, params));
  const u = new Tensor(new Float64Array(out.size), out.shape, true);
  const pulled = withTracing(true, () => leaves(pullback(u)));
  const tl = leaves(tangent);
  let s: Tensor = F.sum(F.mul(pulled[0], tl[0]));
  for (let i = 1; i < pulled.length; i++) s = F.add(s, F.sum(F.mul(pulled[i], tl[i])));
  const [jv] = backward([s], [ones(s.shape)], [u], false);
  return { out: F.stopGradient(out), tangentOut: jv };
}

/**
 * Exact Hessian-vector product by reverse-over-reverse: H v = ∇_θ ⟨∇_θ f(θ), v⟩.
 * Returns f(θ), ∇f(θ) and H v (trees like params).
 */
export function hvp<T extends Tree, A extends unknown[]>(f: ScalarFn<T, A>) {
  return (params: T, v: T, ...args: A): { value: Tensor; grad: T; hvp: T } => {
    const vl = leaves(v);
    let value: Tensor | undefined;
    let gradTree: Tensor[] = [];
    const inner = (p: T): Tensor => {
      const r = valueAndGrad(f)(p, ...args);
      value = r.value;
      gradTree = leaves(r.grad);
      let s: Tensor = F.sum(F.mul(gradTree[0], vl[0]));
      for (let i = 1; i < gradTree.length; i++) s = F.add(s, F.sum(F.mul(gradTree[i], vl[i])));
      return s;
    };
    const { grad: hv } = valueAndGrad(inner)(params);
    return {
      value: F.stopGradient(value as Tensor),
      grad: unflatten(
        params,
        gradTree.map((g) => F.stopGradient(g)),
      ),
      hvp: hv,
    };
  };
}

/**
 * Per-sample gradients: for each i < N, ∇_θ f(θ, x[i:i+1], y[i:i+1]); returned as a tree whose
 * leaves have a leading axis N. `xs`/`ys` are batched along axis 0.
 */
export function perSampleGrads<T extends Tree>(
  f: (params: T, x: Tensor, y: Tensor) => Tensor,
  params: T,
  xs: Tensor,
  ys: Tensor,
): { values: Float64Array; grads: T } {
  const N = xs.shape[0];
  if (ys.shape[0] !== N) throw new Error(`perSampleGrads: ${N} inputs but ${ys.shape[0]} targets`);
  const pl = leaves(params);
  const outs = pl.map((t) => new Float64Array(N * t.size));
  const values = new Float64Array(N);
  const vg = valueAndGrad(f);
  for (let i = 0; i < N; i++) {
    const xi = F.slice(xs, [i], [i + 1]);
    const yi = F.slice(ys, [i], [i + 1]);
    const { value, grad: g } = vg(params, xi, yi);
    values[i] = value.item();
    leaves(g).forEach((t, j) => outs[j].set(t.data, i * t.size));
  }
  return {
    values,
    grads: unflatten(
      params,
      pl.map((t, j) => new Tensor(outs[j], [N, ...t.shape])),
    ),
  };
}
