/**
 * Param trees: nested plain objects and arrays whose leaves are tensors, like JAX pytrees.
 * Leaf order is the insertion order of object keys and array order — for the models this is the
 * order of a torch `state_dict`. Leaf names are dotted paths ("blocks.0.attn.q.weight").
 *
 * An object may leave a key undefined: an optional parameter that is absent (`bias?: Tensor` of a
 * layer without bias). Such keys hold no leaf and are dropped when a tree is rebuilt, so the typed
 * param trees of the model families are Trees as they are.
 */
import { Tensor, shapeSize, sameShape } from "./tensor.ts";

export type Tree = Tensor | readonly Tree[] | TreeObject;
export type TreeObject = { readonly [key: string]: Tree | undefined };

export function isLeaf(t: unknown): t is Tensor {
  return t instanceof Tensor;
}

/**
 * The leaves in order. Plain loops without the dotted names `namedLeaves` builds: every gradient
 * flattens its tree, and for a small network those string concatenations cost more than the
 * gradient itself.
 */
export function leaves(tree: Tree): Tensor[] {
  const out: Tensor[] = [];
  collectLeaves(tree, out);
  return out;
}

function collectLeaves(t: Tree, out: Tensor[]): void {
  if (t instanceof Tensor) out.push(t);
  else if (Array.isArray(t)) {
    const arr = t as readonly Tree[];
    for (let i = 0; i < arr.length; i++) collectLeaves(arr[i], out);
  } else {
    // for-in walks the object's enum cache (no key array per call); trees are plain objects, so
    // it visits exactly Object.keys' keys, in the same order.
    const o = t as TreeObject;
    for (const k in o) {
      const v = o[k];
      if (v !== undefined) collectLeaves(v, out);
    }
  }
}

/** [dotted name, leaf] pairs in order. */
export function namedLeaves(tree: Tree): [string, Tensor][] {
  const out: [string, Tensor][] = [];
  visit(tree, "", (name, t) => out.push([name, t]));
  return out;
}

function visit(tree: Tree, prefix: string, f: (name: string, t: Tensor) => void): void {
  if (isLeaf(tree)) {
    f(prefix, tree);
    return;
  }
  const entries: [string, Tree | undefined][] = Array.isArray(tree)
    ? (tree as readonly Tree[]).map((t, i) => [String(i), t])
    : Object.entries(tree as TreeObject);
  for (const [k, v] of entries) if (v !== undefined) visit(v, prefix === "" ? k : `${prefix}.${k}`, f);
}

/** Rebuilds a tree with the structure of `template` from leaves given in order. */
export function unflatten<T extends Tree>(template: T, newLeaves: readonly Tensor[]): T {
  const cur = { i: 0 };
  const out = rebuild(template, newLeaves, cur);
  if (cur.i !== newLeaves.length) throw new Error(`unflatten: ${newLeaves.length} leaves for a tree of ${cur.i}`);
  return out as T;
}

function rebuild(t: Tree, ls: readonly Tensor[], cur: { i: number }): Tree {
  if (t instanceof Tensor) {
    if (cur.i >= ls.length) throw new Error("unflatten: too few leaves");
    return ls[cur.i++];
  }
  if (Array.isArray(t)) return (t as readonly Tree[]).map((x) => rebuild(x, ls, cur));
  const src = t as TreeObject;
  const o: { [key: string]: Tree } = {};
  for (const k in src) {
    const v = src[k];
    if (v !== undefined) o[k] = rebuild(v, ls, cur);
  }
  return o;
}

/** Applies f to every leaf. */
export function mapTree<T extends Tree>(tree: T, f: (t: Tensor, name: string) => Tensor): T {
  const named = namedLeaves(tree);
  return unflatten(
    tree,
    named.map(([n, t]) => f(t, n)),
  );
}

/** Applies f leaf-wise to trees of the same structure. */
export function zipTrees<T extends Tree>(trees: readonly T[], f: (ts: Tensor[], name: string) => Tensor): T {
  const all = trees.map(namedLeaves);
  const first = all[0];
  for (const other of all.slice(1)) {
    if (
      other.length !== first.length ||
      other.some(([n, t], i) => n !== first[i][0] || !sameShape(t.shape, first[i][1].shape))
    ) {
      throw new Error("zipTrees: trees differ in structure or shapes");
    }
  }
  return unflatten(
    trees[0],
    first.map(([n], i) =>
      f(
        all.map((l) => l[i][1]),
        n,
      ),
    ),
  );
}

/** Total number of scalars in the tree. */
export function treeSize(tree: Tree): number {
  return leaves(tree).reduce((s, t) => s + t.size, 0);
}

/** Concatenates all leaves into one new Float64Array (in leaf order). */
export function ravel(tree: Tree): Float64Array {
  const ls = leaves(tree);
  const out = new Float64Array(ls.reduce((s, t) => s + t.size, 0));
  let off = 0;
  for (const t of ls) {
    out.set(t.data, off);
    off += t.size;
  }
  return out;
}

/**
 * The inverse of `ravel`: leaves shaped like `template`'s, each a zero-copy view (subarray) into
 * `vec`, so writing to `vec` updates the tree and vice versa.
 */
export function unravel<T extends Tree>(template: T, vec: Float64Array): T {
  const ls = leaves(template);
  const total = ls.reduce((s, t) => s + t.size, 0);
  if (vec.length !== total) throw new Error(`unravel: vector of ${vec.length} for a tree of ${total} scalars`);
  let off = 0;
  return unflatten(
    template,
    ls.map((t) => {
      const view = new Tensor(vec.subarray(off, off + t.size), t.shape);
      off += t.size;
      return view;
    }),
  );
}

/** A Map from dotted name to leaf. */
export function toNamed(tree: Tree): Map<string, Tensor> {
  return new Map(namedLeaves(tree));
}

/**
 * Fills `template`'s structure from named tensors, checking that the names and shapes match
 * exactly; `describe` renders a mismatch for error messages (the caller wraps it as needed).
 */
export function fromNamed<T extends Tree>(template: T, named: ReadonlyMap<string, Tensor>): T {
  const want = namedLeaves(template);
  const missing = want.filter(([n]) => !named.has(n)).map(([n]) => n);
  if (missing.length)
    throw new Error(
      `missing parameter${missing.length > 1 ? "s" : ""} ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}`,
    );
  const wantNames = new Set(want.map(([n]) => n));
  const extra = [...named.keys()].filter((n) => !wantNames.has(n));
  if (extra.length)
    throw new Error(
      `unexpected parameter${extra.length > 1 ? "s" : ""} ${extra.slice(0, 5).join(", ")}${extra.length > 5 ? ", …" : ""}`,
    );
  return unflatten(
    template,
    want.map(([n, t]) => {
      const got = named.get(n) as Tensor;
      if (!sameShape(got.shape, t.shape))
        throw new Error(`parameter ${n} has shape [${got.shape}], expected [${t.shape}]`);
      return got;
    }),
  );
}

/** Σ ⟨a_i, b_i⟩ over all leaves. */
export function treeDot(a: Tree, b: Tree): number {
  const la = leaves(a);
  const lb = leaves(b);
  if (la.length !== lb.length) throw new Error("treeDot: trees differ");
  let s = 0;
  for (let i = 0; i < la.length; i++) {
    const x = la[i].data,
      y = lb[i].data;
    if (x.length !== y.length) throw new Error("treeDot: leaf sizes differ");
    for (let j = 0; j < x.length; j++) s += x[j] * y[j];
  }
  return s;
}

/** ‖tree‖₂ over all scalars. */
export function treeNorm(a: Tree): number {
  return Math.sqrt(treeDot(a, a));
}

export function zerosLike<T extends Tree>(tree: T): T {
  return mapTree(tree, (t) => new Tensor(new Float64Array(shapeSize(t.shape)), t.shape));
}
